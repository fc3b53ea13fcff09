namespace MailKitServer.Dns.Client;

/// <summary>The record types the client asks for or meets in answers (RFC 1035 §3.2.2, RFC 3596).</summary>
internal enum DnsRecordType : ushort
{
    A = 1,
    NS = 2,
    CName = 5,
    Soa = 6,
    Ptr = 12,
    MX = 15,
    Txt = 16,
    Aaaa = 28,
    Opt = 41,
}
