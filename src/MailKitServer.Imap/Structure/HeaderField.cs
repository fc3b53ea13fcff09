namespace MailKitServer.Imap.Structure;

/// <summary>One header field: its name and its value unfolded (RFC 5322 §2.2.3), still encoded (RFC 2047 words intact).</summary>
/// <param name="Name">The field name as written.</param>
/// <param name="Value">The value after the colon, unfolded, with the leading space kept out; UTF-8 when valid (RFC 6532), else with its 8-bit octets escaped (<see cref="HeaderOctets"/>).</param>
internal sealed record HeaderField(string Name, string Value);
