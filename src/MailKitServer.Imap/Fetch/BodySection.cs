namespace MailKitServer.Imap.Fetch;

/// <summary>
/// A parsed BODY[...] or BINARY[...] section: the part path, what of it, the header field names and the partial
/// range, with the name the response carries for it (RFC 9051 §7.5.2: the section as requested, the partial as its
/// origin only).
/// </summary>
/// <param name="Peek">Whether it was a .PEEK form (no \Seen).</param>
/// <param name="Part">The part numbers (empty for the whole message).</param>
/// <param name="Spec">What of the part.</param>
/// <param name="Fields">The header field names for HEADER.FIELDS(.NOT), upper case as sent back; empty otherwise.</param>
/// <param name="Partial">The partial range, if any.</param>
/// <param name="ResponseName">The item's name in the response, e.g. <c>BODY[1.HEADER.FIELDS (FROM TO)]&lt;0&gt;</c>.</param>
internal sealed record BodySection(bool Peek, IReadOnlyList<uint> Part, SectionSpec Spec, IReadOnlyList<string> Fields, FetchPartial? Partial, string ResponseName);
