namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>The policy a TLS session was held to, as a TLSRPT report names it (RFC 8460 §4.4 "policy").</summary>
/// <param name="Type"><c>sts</c>, <c>tlsa</c> or <c>no-policy-found</c>.</param>
/// <param name="Strings">The policy's text: the MTA-STS policy's lines, or the TLSA records in presentation form.</param>
/// <param name="MxHosts">The MTA-STS policy's mx patterns, or the MX host whose TLSA records these are.</param>
internal sealed record TlsSessionPolicy(string Type, IReadOnlyList<string> Strings, IReadOnlyList<string> MxHosts)
{
    public static readonly TlsSessionPolicy None = new("no-policy-found", [], []);

    /// <summary>A key that is equal for equal policies (the lists compared by content).</summary>
    public string Key => Type + "\n" + string.Join('\n', Strings) + "\n\n" + string.Join('\n', MxHosts);
}
