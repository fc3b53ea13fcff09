namespace MailKitServer.Delivery;

/// <summary>DSN NOTIFY values (RFC 3461 §4.1).</summary>
[Flags]
public enum DsnNotify
{
    /// <summary>Not given: the default (failure, and maybe delay).</summary>
    None = 0,

    /// <summary>NEVER.</summary>
    Never = 1,

    /// <summary>SUCCESS.</summary>
    Success = 2,

    /// <summary>FAILURE.</summary>
    Failure = 4,

    /// <summary>DELAY.</summary>
    Delay = 8,
}
