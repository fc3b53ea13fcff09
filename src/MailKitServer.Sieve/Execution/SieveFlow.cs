namespace MailKitServer.Sieve.Execution;

/// <summary>How running a block ended.</summary>
internal enum SieveFlow
{
    /// <summary>Went on to the end.</summary>
    Continue,

    /// <summary>stop: the whole run ends (RFC 5228 §3.3).</summary>
    Stop,

    /// <summary>return: the current script ends (RFC 6609 §3.2).</summary>
    Return,
}
