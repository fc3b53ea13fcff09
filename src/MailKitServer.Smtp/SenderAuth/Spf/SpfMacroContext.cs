using System.Net;

namespace MailKitServer.Smtp.SenderAuth.Spf;

/// <summary>What the macros of one SPF evaluation expand to (RFC 7208 §7.2).</summary>
/// <param name="Sender">%{s}: the sender, <c>local@domain</c> (<c>postmaster@</c> the HELO name for the null sender).</param>
/// <param name="LocalPart">%{l}: its local part.</param>
/// <param name="SenderDomain">%{o}: its domain.</param>
/// <param name="Client">%{i}, %{c}, %{v}: the client's address.</param>
/// <param name="Helo">%{h}: the HELO/EHLO name.</param>
/// <param name="Receiver">%{r}: the name of the receiving host.</param>
/// <param name="Timestamp">%{t}: seconds since the epoch.</param>
/// <param name="ValidatedName">%{p}: finds the client's validated domain name for the current domain (looked up only when used).</param>
internal sealed record SpfMacroContext(string Sender, string LocalPart, string SenderDomain, IPAddress Client, string Helo, string Receiver, long Timestamp, Func<string, CancellationToken, ValueTask<string>> ValidatedName);
