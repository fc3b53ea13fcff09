namespace MailKitServer.Testing.Faults;

/// <summary>What a fault does.</summary>
public enum FaultKind
{
    /// <summary>Answers with a given reply.</summary>
    Refuse,

    /// <summary>Waits, then goes on.</summary>
    Delay,

    /// <summary>Closes the connection without a reply.</summary>
    Drop,

    /// <summary>Stores the message, then closes the connection before the reply: the sender sees a failure, nothing is lost (a retry makes a duplicate).</summary>
    DropAfterStoring,
}
