namespace MailKitServer.Smtp.Milter;

/// <summary>A filter's answer to a step.</summary>
internal enum MilterAction
{
    /// <summary>Go on (SMFIR_CONTINUE), or the step was not sent or not answered by negotiation.</summary>
    Continue,

    /// <summary>Accept the message (or connection) without asking the filter again (SMFIR_ACCEPT).</summary>
    Accept,

    /// <summary>Refuse (SMFIR_REJECT, or a 5xx SMFIR_REPLYCODE).</summary>
    Reject,

    /// <summary>Refuse for now (SMFIR_TEMPFAIL, or a 4xx SMFIR_REPLYCODE).</summary>
    TempFail,

    /// <summary>Take the message and drop it silently (SMFIR_DISCARD).</summary>
    Discard,

    /// <summary>Send no more body chunks (SMFIR_SKIP).</summary>
    Skip,
}
