namespace MailKitServer.Smtp.Data;

/// <summary>One change to stored content: octets inserted at an offset, or a range removed from it.</summary>
/// <param name="Offset">Where, in the source's octets.</param>
/// <param name="Insert">Octets to insert there (empty for a removal).</param>
/// <param name="RemoveLength">Octets to remove from there (0 for an insertion).</param>
internal readonly record struct ContentEdit(long Offset, byte[] Insert, long RemoveLength)
{
    public static ContentEdit Insertion(long offset, byte[] data) => new(offset, data, 0);

    public static ContentEdit Removal(long offset, long length) => new(offset, [], length);
}
