namespace MailKitServer.Web.Api;

/// <summary>The message was expunged between opening its mailbox and reading it; the API answers 404.</summary>
internal sealed class MessageGoneException : Exception
{
    public MessageGoneException()
        : base("The message is gone.")
    {
    }

    public MessageGoneException(string message)
        : base(message)
    {
    }

    public MessageGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
