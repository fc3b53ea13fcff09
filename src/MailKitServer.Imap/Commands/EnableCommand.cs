using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// ENABLE (RFC 5161 §3.1; valid only in the authenticated state): IMAP4rev2 (RFC 9051 §6.3.1), UTF8=ACCEPT
/// (RFC 6855 §3), CONDSTORE and QRESYNC (RFC 7162 §3.1, §3.2.3; QRESYNC implies CONDSTORE),
/// UIDONLY (RFC 9586 §3.1); "* ENABLED" lists only
/// what this command newly enabled, unknown names are ignored.
/// </summary>
internal sealed class EnableCommand() : ImapCommand("ENABLE", CommandStates.Authenticated)
{
    public override ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var enabled = new List<string>();
        foreach (var arg in request.Arguments)
        {
            var (flag, name) = arg.Text.ToUpperInvariant() switch
            {
                "IMAP4REV2" => (ImapExtensions.Imap4rev2, "IMAP4rev2"),
                "UTF8=ACCEPT" => (ImapExtensions.Utf8Accept, "UTF8=ACCEPT"),
                "CONDSTORE" => (ImapExtensions.CondStore, "CONDSTORE"),
                "QRESYNC" => (ImapExtensions.QResync | ImapExtensions.CondStore, "QRESYNC"),
                "UIDONLY" => (ImapExtensions.UidOnly, "UIDONLY"),
                _ => (ImapExtensions.None, string.Empty),
            };
            if (flag != ImapExtensions.None && (session.Enabled & flag) != flag)
            {
                session.Enabled |= flag;
                enabled.Add(name);
            }
        }

        session.Connection.Write(enabled.Count == 0 ? "* ENABLED\r\n" : "* ENABLED " + string.Join(' ', enabled) + "\r\n");
        return ValueTask.FromResult(session.Ok(request.Tag, "ENABLE completed"));
    }
}
