namespace MailKitServer.Storage;

/// <summary>
/// What a store knows of a message only once it looks (a Maildir file's size and modification time) or works it out (an
/// EMAILID derived from the file's name): read when first asked for, so opening a mailbox of 20,000 messages another
/// program wrote does not stat 20,000 files nor hash 20,000 names (issue 24).
/// </summary>
internal interface IMessageFacts
{
    /// <summary>The size in octets, as stored.</summary>
    long Size { get; }

    /// <summary>The internal date.</summary>
    DateTimeOffset InternalDate { get; }

    /// <summary>The EMAILID (RFC 8474 §5.1), derived when first asked for where the store derives it.</summary>
    string? EmailId { get; }

    /// <summary>The size when the store knows it without a look at the stored file, else -1 (asking for it costs nothing).</summary>
    long SizeIfKnown { get; }

    /// <summary>Tells the store the size a whole read of the stored content found, so it need not look later.</summary>
    /// <param name="size">The octets read, from the first to the last.</param>
    void SizeRead(long size);
}
