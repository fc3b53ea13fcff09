using System.Security.Cryptography;

namespace MailKitServer.Smtp.SenderAuth;

/// <summary>
/// Sender authentication of inbound mail on an MTA listener: SPF (RFC 7208) of MAIL FROM and HELO, DKIM (RFC 6376,
/// RFC 8463) of every signature, DMARC (RFC 7489) and ARC (RFC 8617), recorded in one Authentication-Results field
/// (RFC 8601) prepended to each message and handed to the delivery policy. Set
/// <see cref="SmtpOptions.SenderAuthentication"/> to turn it on; checks use the server's <c>IDnsResolver</c>.
/// Sessions that authenticated (submission) are not checked, and neither are LMTP listeners: their client is the MTA in
/// front of this server, which checks at the border (RFC 7208 §2.5) and whose Authentication-Results field is kept.
/// </summary>
public sealed class SenderAuthOptions
{
    /// <summary>
    /// The authentication service identifier written into Authentication-Results (RFC 8601 §2.5), and the one whose
    /// fields arriving with a message are removed as forgeries (§5); <see langword="null"/> for the server's name.
    /// </summary>
    public string? AuthServId { get; set; }

    /// <summary>What to do with mail that fails DMARC (default: honour the domain's policy).</summary>
    public DmarcAction DmarcAction { get; set; } = DmarcAction.Reject;

    /// <summary>
    /// The Public Suffix List used to find organizational domains for DMARC alignment (Debian's <c>publicsuffix</c>
    /// package installs it here). When the file is missing, every name's organizational domain is its last two labels
    /// (the list's default rule), which misjudges names under suffixes such as <c>co.uk</c>.
    /// </summary>
    public string PublicSuffixListPath { get; set; } = "/usr/share/publicsuffix/public_suffix_list.dat";

    /// <summary>Whether the HELO name is checked with SPF too (RFC 7208 §2.3 recommends it).</summary>
    public bool CheckHelo { get; set; } = true;

    /// <summary>How long all checks of one message may take; what is unfinished by then is a temperror.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one SPF evaluation may take (RFC 7208 §4.6.4: at least 20 seconds).</summary>
    public TimeSpan SpfTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The most DKIM signatures verified per message; later ones are reported as not checked (RFC 6376 §6.1).</summary>
    public int MaxDkimSignatures { get; set; } = 10;

    /// <summary>The largest RSA key used to verify; larger keys give <c>neutral</c> instead of costing unbounded time.</summary>
    public int MaxRsaKeyBits { get; set; } = 8192;

    /// <summary>The largest header section inspected; a message with more gives <c>permerror</c> for DKIM, DMARC and ARC.</summary>
    public int MaxHeaderSize { get; set; } = 1024 * 1024;

    /// <summary>Draws the 0-99 sample that DMARC's <c>pct=</c> is compared with (tests fix it).</summary>
    internal Func<int> PercentSample { get; set; } = () => RandomNumberGenerator.GetInt32(100);

    /// <summary>Returns every problem with these options, each naming the option.</summary>
    /// <param name="prefix">The option path, for the messages.</param>
    /// <returns>The problems.</returns>
    internal IEnumerable<string> Validate(string prefix)
    {
        if (AuthServId is not null && (AuthServId.Length == 0 || AuthServId.Any(c => c <= ' ' || c > '~' || c is ';' or '(' or ')' or '"')))
        {
            yield return $"{prefix}{nameof(AuthServId)} must be a host name without spaces (was '{AuthServId}').";
        }

        if (Timeout <= TimeSpan.Zero || SpfTimeout <= TimeSpan.Zero)
        {
            yield return $"{prefix}{nameof(Timeout)} and {nameof(SpfTimeout)} must be positive.";
        }

        if (MaxDkimSignatures < 1)
        {
            yield return $"{prefix}{nameof(MaxDkimSignatures)} must be at least 1 (was {MaxDkimSignatures}).";
        }

        if (MaxRsaKeyBits < 2048)
        {
            yield return $"{prefix}{nameof(MaxRsaKeyBits)} must be at least 2048 (was {MaxRsaKeyBits}).";
        }

        if (MaxHeaderSize < 1024)
        {
            yield return $"{prefix}{nameof(MaxHeaderSize)} must be at least 1024 (was {MaxHeaderSize}).";
        }
    }
}
