using System.Security.Cryptography.X509Certificates;

namespace MailKitServer.Runtime;

/// <summary>Options shared by every protocol of a server. Checked at start; a bad value stops the start with its name.</summary>
public sealed class MailServerOptions
{
    /// <summary>The host name used in greetings and trace headers.</summary>
    public string ServerName { get; set; } = "localhost";

    /// <summary>The most connections open at once, all listeners together.</summary>
    public int MaxConnections { get; set; } = 20_000;

    /// <summary>The most connections open at once from one client address.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 1_000;

    /// <summary>How long a read may wait for a client (protocols may set their own per state).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a TLS handshake may take.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a graceful shutdown waits for sessions to finish their transactions before aborting them.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The TLS certificate (with private key). When null, a self-signed development certificate is generated.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Allows plain-text authentication (AUTH PLAIN/LOGIN, IMAP LOGIN, POP3 USER/PASS) without TLS. Off by default;
    /// test fixtures and local development turn it on.
    /// </summary>
    public bool AllowInsecureAuthentication { get; set; }

    /// <summary>
    /// Authentication attempts on one account (user name) allowed in a burst before further ones wait their turn; its
    /// failures count until the account authenticates successfully or a quarter of an hour passes quietly.
    /// </summary>
    public int AuthFailuresBeforeDelay { get; set; } = 3;

    /// <summary>
    /// Authentication attempts from one client address (an IPv6 /64) allowed in a burst before further ones wait their
    /// turn. Higher than the per-account value: many users may share an address; a success does not clear it.
    /// </summary>
    public int AddressAuthFailuresBeforeDelay { get; set; } = 10;

    /// <summary>The spacing of turns once the burst is used; it doubles with each failure past it.</summary>
    public TimeSpan AuthFailureDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The widest spacing of turns; an attempt that would wait longer is refused at once as a temporary failure.</summary>
    public TimeSpan MaxAuthFailureDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns every problem with these options, each naming the option.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ServerName) || ServerName.Any(char.IsWhiteSpace))
        {
            yield return $"{nameof(MailServerOptions)}.{nameof(ServerName)} must be a host name without spaces (was '{ServerName}').";
        }

        if (MaxConnections < 1)
        {
            yield return $"{nameof(MailServerOptions)}.{nameof(MaxConnections)} must be at least 1 (was {MaxConnections}).";
        }

        if (MaxConnectionsPerAddress < 1)
        {
            yield return $"{nameof(MailServerOptions)}.{nameof(MaxConnectionsPerAddress)} must be at least 1 (was {MaxConnectionsPerAddress}).";
        }

        if (IdleTimeout <= TimeSpan.Zero && IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            yield return $"{nameof(MailServerOptions)}.{nameof(IdleTimeout)} must be positive (was {IdleTimeout}).";
        }

        if (TlsHandshakeTimeout <= TimeSpan.Zero)
        {
            yield return $"{nameof(MailServerOptions)}.{nameof(TlsHandshakeTimeout)} must be positive (was {TlsHandshakeTimeout}).";
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            yield return $"{nameof(MailServerOptions)}.{nameof(ShutdownTimeout)} must not be negative (was {ShutdownTimeout}).";
        }

        if (Certificate is { HasPrivateKey: false })
        {
            yield return $"{nameof(MailServerOptions)}.{nameof(Certificate)} must include its private key.";
        }

        if (AuthFailuresBeforeDelay < 0 || AddressAuthFailuresBeforeDelay < 0)
        {
            yield return $"{nameof(MailServerOptions)}.{nameof(AuthFailuresBeforeDelay)} and {nameof(AddressAuthFailuresBeforeDelay)} must not be negative (were {AuthFailuresBeforeDelay} and {AddressAuthFailuresBeforeDelay}).";
        }

        if (AuthFailureDelay < TimeSpan.Zero || MaxAuthFailureDelay < AuthFailureDelay)
        {
            yield return $"{nameof(MailServerOptions)}.{nameof(AuthFailureDelay)} must not be negative nor above {nameof(MaxAuthFailureDelay)} (were {AuthFailureDelay} and {MaxAuthFailureDelay}).";
        }
    }
}
