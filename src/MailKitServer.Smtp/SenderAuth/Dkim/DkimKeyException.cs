using MailKitServer.SenderAuth;

namespace MailKitServer.Smtp.SenderAuth.Dkim;

/// <summary>A DKIM key could not be had or used; <see cref="Result"/> says how the signature is reported.</summary>
internal sealed class DkimKeyException : Exception
{
    public DkimKeyException()
    {
    }

    public DkimKeyException(string message)
        : base(message)
    {
    }

    public DkimKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DkimKeyException(DkimResult result, string message)
        : base(message) => Result = result;

    /// <summary>The result for the signature: temperror, permerror, policy or neutral.</summary>
    public DkimResult Result { get; } = DkimResult.PermError;
}
