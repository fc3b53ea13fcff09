namespace MailKitServer.Imap.Structure;

/// <summary>Limits that keep parsing bounded whatever the input.</summary>
internal sealed class StructureLimits
{
    /// <summary>The deepest nesting of multiparts and encapsulated messages; deeper ones are kept as opaque leaves.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>The most parts in one message; later boundaries are treated as body text.</summary>
    public int MaxParts { get; set; } = 10_000;

    /// <summary>The most header octets kept per part; fields beyond are dropped (<see cref="StructurePart.HeaderTruncated"/>).</summary>
    public int MaxHeaderBytes { get; set; } = 256 * 1024;

    /// <summary>The default options.</summary>
    public static StructureLimits Default { get; } = new();
}
