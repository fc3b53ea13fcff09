using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth.Spf;

/// <summary>Ends an SPF evaluation with <see cref="SpfResult.TempError"/> or <see cref="SpfResult.PermError"/> (RFC 7208 §2.6.6-7).</summary>
internal sealed class SpfException : Exception
{
    public SpfException()
    {
    }

    public SpfException(string message)
        : base(message)
    {
    }

    public SpfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SpfException(SpfResult result, string message)
        : base(message) => Result = result;

    /// <summary>The result the evaluation ends with.</summary>
    public SpfResult Result { get; } = SpfResult.PermError;
}
