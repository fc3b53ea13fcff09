namespace MailKitServer.Dns.Client;

/// <summary>One resource record of a response, its data decoded for the types the client uses.</summary>
/// <param name="Name">The owner name, lower case, without the final dot.</param>
/// <param name="Type">The type.</param>
/// <param name="TimeToLive">The TTL (values with the top bit set count as 0, RFC 2181 §8).</param>
/// <param name="Data">An IPAddress (A, AAAA), a name (CNAME, PTR, NS), an <see cref="MxRecord"/>, the joined strings (TXT), the SOA minimum as a TimeSpan (SOA), or null.</param>
internal sealed record DnsResourceRecord(string Name, DnsRecordType Type, TimeSpan TimeToLive, object? Data);
