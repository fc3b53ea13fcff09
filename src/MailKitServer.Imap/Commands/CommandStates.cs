namespace MailKitServer.Imap.Commands;

/// <summary>The connection states (RFC 9051 §3) in which a command is valid.</summary>
[Flags]
internal enum CommandStates
{
    /// <summary>Before LOGIN or AUTHENTICATE.</summary>
    NotAuthenticated = 1,

    /// <summary>Logged in, no mailbox selected.</summary>
    Authenticated = 2,

    /// <summary>A mailbox is selected.</summary>
    Selected = 4,

    /// <summary>Authenticated or selected.</summary>
    LoggedIn = Authenticated | Selected,

    /// <summary>Every state.</summary>
    Any = NotAuthenticated | Authenticated | Selected,
}
