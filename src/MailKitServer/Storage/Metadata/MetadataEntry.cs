namespace MailKitServer.Storage.Metadata;

/// <summary>One annotation (RFC 5464 §3): its entry name and its value.</summary>
/// <param name="Name">The entry name, lower case, starting with <c>/private/</c> or <c>/shared/</c>.</param>
/// <param name="Value">The value (any octets, possibly empty); <see langword="null"/> in a change removes the entry.</param>
public sealed record MetadataEntry(string Name, ReadOnlyMemory<byte>? Value);
