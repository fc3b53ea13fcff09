namespace MailKitServer.Storage;

/// <summary>An inclusive range of UIDs.</summary>
/// <param name="First">The first UID.</param>
/// <param name="Last">The last UID (at least <paramref name="First"/>).</param>
public readonly record struct UidRange(uint First, uint Last)
{
    /// <summary>Whether the range holds a UID.</summary>
    /// <param name="uid">The UID.</param>
    /// <returns><see langword="true"/> when <paramref name="uid"/> is in the range.</returns>
    public bool Contains(uint uid) => uid >= First && uid <= Last;
}
