namespace MailKitServer.Storage;

/// <summary>How a <see cref="FlagChange"/> combines with a message's flags.</summary>
public enum FlagChangeMode
{
    /// <summary>Replace all flags and keywords (STORE FLAGS).</summary>
    Replace,

    /// <summary>Add (STORE +FLAGS).</summary>
    Add,

    /// <summary>Remove (STORE -FLAGS).</summary>
    Remove,
}
