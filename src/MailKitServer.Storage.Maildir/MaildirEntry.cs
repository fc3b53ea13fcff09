using System.Runtime.CompilerServices;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// One message of a folder: its UID, where its file is (relative: new/... or cur/...), and its IMAP state. The size
/// and the internal date of a file another program wrote (no <c>,S=</c> in its name, not in the index) are read from
/// the file (stat) when first asked for, not when the folder first sees it: the first SELECT of a 20,000-message
/// Maildir stat'ed every file for facts a SELECT does not need (issue 24).
/// </summary>
internal sealed class MaildirEntry : IMessageFacts
{
    private const long Unknown = long.MinValue;

    /// <summary>How often a stat is tried again when the file is not where the entry last saw it (renamed meanwhile).</summary>
    private const int StatAttempts = 3;

    // The dates as UTC ticks and an offset in minutes (a DateTimeOffset's are whole minutes), not as DateTimeOffset and
    // DateTimeOffset?: 32 octets less per entry, and a folder keeps one for each of its 20,000 messages (issue 24).
    private long _size = Unknown;
    private long _dateUtcTicks = Unknown;
    private long _saveUtcTicks = Unknown;
    private short _dateOffsetMinutes;
    private short _saveOffsetMinutes;
    private SystemFlags _flags;
    private IReadOnlyList<string> _keywords = [];
    private ulong _modSeq;

    /// <summary>
    /// The last <see cref="MessageInfo"/> made (<see cref="ToInfo"/>), handed out again until a fact it holds changes:
    /// every view opened on a 20,000-message folder made 20,000 of them, most of a repeated SELECT's CPU (issue 24).
    /// Set and cleared under the folder's gate, as the facts are.
    /// </summary>
    private MessageInfo? _info;

    /// <summary>
    /// An entry (its facts set by the initializer). Inlined, as the small members below that run once per file at a
    /// folder's first sight: called from the optimized per-file methods there, each otherwise had a body of its own
    /// compiled unoptimized and called 20,000 times (see MaildirFolder.Adoption.cs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MaildirEntry()
    {
    }

    public uint Uid { get; init; }

    /// <summary>
    /// The unique part of the file's name (see <see cref="MaildirFileName.Unique(string)"/>), as a new string: it is
    /// not kept beside <see cref="RelativePath"/>, which holds it (every name the file is given keeps it), for the few
    /// that need a string; the others read <see cref="UniquePart"/>.
    /// </summary>
    public string Unique => new(UniquePart);

    /// <summary>The unique part of the file's name, read from <see cref="RelativePath"/> (no second string per message: issue 24).</summary>
    public ReadOnlySpan<char> UniquePart => MaildirFileName.UniquePart(RelativePath);

    /// <summary>Where the file is, relative to the folder: <c>new/</c> or <c>cur/</c> and a name whose unique part never changes.</summary>
    public required string RelativePath { get; set; }

    public SystemFlags Flags
    {
        get => _flags;
        set
        {
            _flags = value;
            _info = null;
        }
    }

    public IReadOnlyList<string> Keywords
    {
        get => _keywords;
        set
        {
            _keywords = value;
            _info = null;
        }
    }

    public ulong ModSeq
    {
        get => _modSeq;
        set
        {
            _modSeq = value;
            _info = null;
        }
    }

    /// <summary>The folder whose directory holds the file, to read facts not known yet from it (and save them in its index).</summary>
    public MaildirFolder? Folder { get; set; }

    /// <summary>The internal date: the file's mtime in the zone its name carries (<c>,Z=</c>), read when first asked for.</summary>
    public DateTimeOffset InternalDate
    {
        get
        {
            if (Volatile.Read(ref _dateUtcTicks) == Unknown)
            {
                Learn();
            }

            // Written once (eagerly at creation, or by the first stat); a stat racing with another gives the same value.
            return KnownDate ?? DateTimeOffset.UnixEpoch;
        }

        init => SetDate(value);
    }

    /// <summary>The size in octets, read when first asked for (0 for a file gone meanwhile).</summary>
    public long Size
    {
        get
        {
            if (Volatile.Read(ref _size) == Unknown)
            {
                Learn();
            }

            return Volatile.Read(ref _size) is var size and not Unknown ? size : 0;
        }

        init => _size = value;
    }

    /// <summary>The size when known (the index writes <c>-</c> otherwise, and no stat is made for it).</summary>
    public long? KnownSize
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _size) is var size and not Unknown ? size : null;
    }

    /// <inheritdoc/>
    public long SizeIfKnown => KnownSize ?? -1;

    /// <summary>The internal date when known.</summary>
    public DateTimeOffset? KnownDate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _dateUtcTicks) is var ticks and not Unknown ? At(ticks, _dateOffsetMinutes) : null;
    }

    /// <summary>Whether the size or the date is still to be read from the file.</summary>
    public bool Lazy
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _size) == Unknown || Volatile.Read(ref _dateUtcTicks) == Unknown;
    }

    /// <summary>
    /// The EMAILID (RFC 8474 §5.1): for a message first stored or seen here, derived from its unique name when first
    /// asked for (so a rebuilt index gives the same id, and the first sight of 20,000 files hashes none of their names:
    /// issue 24); for a copy, the source's, and for a message an older index listed with its id, that one (both kept in
    /// the index: <see cref="EmailIdGiven"/>).
    /// </summary>
    public string EmailId
    {
        get => Volatile.Read(ref _emailId) ?? Derive();
        set
        {
            Volatile.Write(ref _emailId, value);
            EmailIdGiven = true;
            _info = null;
        }
    }

    /// <summary>Whether <see cref="EmailId"/> was given (a copy's, an index's) rather than derived from the unique name: the index keeps only given ones.</summary>
    public bool EmailIdGiven { get; private set; }

    private string? _emailId;

    /// <summary>When the message was saved in this folder (RFC 8514), or null for one an older index listed without it.</summary>
    public DateTimeOffset? SaveDate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _saveUtcTicks is var ticks and not Unknown ? At(ticks, _saveOffsetMinutes) : null;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set
        {
            (_saveUtcTicks, _saveOffsetMinutes) = value is { } date ? (date.UtcTicks, (short)date.TotalOffsetMinutes) : (Unknown, (short)0);
            _info = null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static DateTimeOffset At(long utcTicks, short offsetMinutes) =>
        new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    /// <summary>What views are told; the facts not known yet (an EMAILID not derived yet) are read when a reader first asks for them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public MessageInfo ToInfo() => _info ??= Lazy || Volatile.Read(ref _emailId) is null
        ? new(Uid, Flags, Keywords, this, ModSeq) { SaveDate = SaveDate }
        : new(Uid, Flags, Keywords, InternalDate, Size, ModSeq) { EmailId = EmailId, SaveDate = SaveDate };

    /// <summary>The EMAILID of a message whose file has this unique name: M and 24 hex digits of its SHA-256.</summary>
    public static string EmailIdOf(ReadOnlySpan<char> unique)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(unique);
        Span<byte> utf8 = length <= 1024 ? stackalloc byte[length] : new byte[length];
        System.Text.Encoding.UTF8.GetBytes(unique, utf8);
        Span<byte> hash = stackalloc byte[System.Security.Cryptography.SHA256.HashSizeInBytes];
        System.Security.Cryptography.SHA256.HashData(utf8, hash);
        return "M" + Convert.ToHexStringLower(hash[..12]); // 24 hex digits
    }

    /// <summary>The id derived from the unique name, remembered (two readers racing derive the same one).</summary>
    private string Derive()
    {
        var id = EmailIdOf(UniquePart);
        Volatile.Write(ref _emailId, id);
        return id;
    }

    /// <summary>Records a size known without a look at the file (its name's <c>,S=</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public void KnowSize(long size) => Volatile.Write(ref _size, size);

    /// <summary>Records an internal date known without a look at the file (the index).</summary>
    public void KnowDate(DateTimeOffset date) => SetDate(date);

    private void SetDate(DateTimeOffset value)
    {
        // The offset before the ticks: a reader that sees the ticks sees the offset written with them.
        _dateOffsetMinutes = (short)value.TotalOffsetMinutes;
        Volatile.Write(ref _dateUtcTicks, value.UtcTicks);
    }

    /// <summary>
    /// A whole read of the file found its size (the content is the file's octets, read from the first): kept as if
    /// looked up, for the index's next save, so a later SEARCH TEXT reads exactly that much instead of reading into a
    /// bounded buffer and copying out (issue 24). A message file never changes; a size already known stays.
    /// </summary>
    public void SizeRead(long size)
    {
        if (Folder is { } folder && Interlocked.CompareExchange(ref _size, size, Unknown) == Unknown)
        {
            folder.FactsLearned();
        }
    }

    /// <summary>
    /// Reads the size and the mtime from the file (one stat) for the folder's index to keep (next save). Runs outside the
    /// folder's gate (a FETCH or SEARCH reading the view's snapshot): the file may be renamed meanwhile (a flag change,
    /// the background naming: the entry's path is then new; another program: the folder looks for it by its unique
    /// name). A file gone for good gives 0 and the epoch, not remembered (the next reconciliation expunges it).
    /// </summary>
    private void Learn()
    {
        if (Folder is not { } folder)
        {
            return;
        }

        FileInfo? file = null;
        for (var attempt = 0; attempt < StatAttempts && file is null; attempt++)
        {
            file = Existing(folder, RelativePath);
        }

        if ((file ?? (folder.LocateFile(RelativePath) is { } moved ? Existing(folder, moved) : null)) is not { } found)
        {
            return;
        }

        if (Volatile.Read(ref _dateUtcTicks) == Unknown)
        {
            SetDate(new DateTimeOffset(found.LastWriteTimeUtc, TimeSpan.Zero).ToOffset(MaildirFileName.Zone(Unique)));
        }

        if (Volatile.Read(ref _size) == Unknown)
        {
            Volatile.Write(ref _size, found.Length);
        }

        folder.FactsLearned();
    }

    private static FileInfo? Existing(MaildirFolder folder, string relative)
    {
        var file = new FileInfo(Path.Combine(folder.Path, relative));
        return file.Exists ? file : null;
    }
}
