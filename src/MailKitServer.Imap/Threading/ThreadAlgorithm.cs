namespace MailKitServer.Imap.Threading;

/// <summary>The threading algorithms of RFC 5256 §3 (advertised as THREAD=ORDEREDSUBJECT and THREAD=REFERENCES).</summary>
internal enum ThreadAlgorithm
{
    /// <summary>"Poor man's threading": by base subject, then sent date.</summary>
    OrderedSubject,

    /// <summary>By References/In-Reply-To ancestry, then base subject.</summary>
    References,
}
