namespace MailKitServer.Storage;

/// <summary>The system flags of a message (RFC 3501 §2.3.2). Keywords are kept apart, as strings.</summary>
[Flags]
public enum SystemFlags
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>\Seen: the message has been read.</summary>
    Seen = 1,

    /// <summary>\Answered: the message has been answered.</summary>
    Answered = 2,

    /// <summary>\Flagged: the message is flagged for attention.</summary>
    Flagged = 4,

    /// <summary>\Deleted: the message is marked for removal by EXPUNGE.</summary>
    Deleted = 8,

    /// <summary>\Draft: the message is a draft.</summary>
    Draft = 16,
}
