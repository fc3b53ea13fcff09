namespace MailKitServer.Runtime;

/// <summary>How an authentication attempt that took its turn from the <see cref="AuthThrottle"/> ended.</summary>
internal enum AuthTurnOutcome
{
    /// <summary>The credentials were not checked (a backend failed, the client went away): nothing is charged.</summary>
    Unchecked,

    /// <summary>The credentials were right: nothing is charged.</summary>
    Succeeded,

    /// <summary>The credentials were wrong: one failure is charged to the address and the account.</summary>
    Failed,

    /// <summary>
    /// Keys were looked up for a mechanism that checks them later (SCRAM, CRAM-MD5): one failure is charged now and
    /// taken back when the session reports the success.
    /// </summary>
    Charged,
}
