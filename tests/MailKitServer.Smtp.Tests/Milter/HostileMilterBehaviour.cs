namespace MailKitServer.Smtp.Tests.Milter;

/// <summary>How a <see cref="HostileMilter"/> misbehaves.</summary>
public enum HostileMilterBehaviour
{
    /// <summary>Never answers.</summary>
    Hang,

    /// <summary>Answers a packet of a kind no step expects.</summary>
    Garbage,

    /// <summary>Closes the connection.</summary>
    Close,
}
