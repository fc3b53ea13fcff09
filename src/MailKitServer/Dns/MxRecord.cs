namespace MailKitServer.Dns;

/// <summary>An MX record (RFC 5321 §5.1).</summary>
/// <param name="Preference">The preference; lower is tried first.</param>
/// <param name="Exchange">The mail exchanger's host name; "." is a null MX (RFC 7505).</param>
public sealed record MxRecord(ushort Preference, string Exchange);
