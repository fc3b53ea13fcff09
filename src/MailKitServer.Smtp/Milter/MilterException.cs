namespace MailKitServer.Smtp.Milter;

/// <summary>The filter broke the milter protocol, went away, or did not answer in time.</summary>
internal sealed class MilterException : Exception
{
    public MilterException()
    {
    }

    public MilterException(string message)
        : base(message)
    {
    }

    public MilterException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
