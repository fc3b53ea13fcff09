namespace MailKitServer.Smtp.Milter;

/// <summary>What happens when a filter fails (see <see cref="MilterOptions.DefaultAction"/>).</summary>
public enum MilterDefaultAction
{
    /// <summary>Refuse for now: the step gets <c>451 4.7.1</c>, and so does every later step of the session.</summary>
    TempFail,

    /// <summary>Go on as if the filter had accepted: it is not asked again in this session.</summary>
    Accept,
}
