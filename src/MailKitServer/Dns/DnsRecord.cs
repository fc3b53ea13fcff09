namespace MailKitServer.Dns;

/// <summary>One record of a lookup with its time to live.</summary>
/// <typeparam name="T">The record's value type.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="TimeToLive">How long it may be cached.</param>
public sealed record DnsRecord<T>(T Value, TimeSpan TimeToLive);
