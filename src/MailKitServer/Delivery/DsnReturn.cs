namespace MailKitServer.Delivery;

/// <summary>DSN RET (RFC 3461 §4.3): what a bounce carries of the original.</summary>
public enum DsnReturn
{
    /// <summary>RET=FULL: the whole message.</summary>
    Full,

    /// <summary>RET=HDRS: only its headers.</summary>
    Headers,
}
