using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Quota;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// SETQUOTA root (resource limit ...) (RFC 9208 §4.1.3), for quota administrators only: replaces the root's limits
/// (a resource not named loses its limit). STORAGE is in units of 1024 octets.
/// </summary>
internal sealed class SetQuotaCommand() : ImapCommand("SETQUOTA", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count != 2 || args[0].Kind == ImapTokenKind.List || args[1].Kind != ImapTokenKind.List || args[1].Items.Count % 2 != 0)
        {
            return await session.BadAsync(request.Tag, "Syntax: SETQUOTA root (resource limit ...)").ConfigureAwait(false);
        }

        long? storage = null, messages = null;
        var list = args[1].Items;
        for (var i = 0; i < list.Count; i += 2)
        {
            // setquota_resource = atom SP number64 (RFC 9208 §6)
            if (list[i].Kind != ImapTokenKind.Atom || list[i + 1].Kind != ImapTokenKind.Atom || !ImapNumber.TryParseNumber64(list[i + 1].Text, out var limit))
            {
                return await session.BadAsync(request.Tag, "Syntax: SETQUOTA root (resource limit ...)").ConfigureAwait(false);
            }

            switch (list[i].Text.ToUpperInvariant())
            {
                case "STORAGE" when storage is null && limit <= long.MaxValue / 1024:
                    storage = limit * 1024;
                    break;
                case "MESSAGE" when messages is null:
                    messages = limit;
                    break;
                default:
                    return session.No(request.Tag, "[CANNOT] Unsupported or repeated resource " + (list[i].Text.Length > 40 ? list[i].Text[..40] : list[i].Text));
            }
        }

        if (!QuotaRoots.Supported(session.Account))
        {
            return session.No(request.Tag, "[CANNOT] This store keeps no quota");
        }

        if (!QuotaRoots.IsAdministrator(session))
        {
            return session.No(request.Tag, "[NOPERM] Only quota administrators may set limits");
        }

        if (await QuotaRoots.OpenAsync(session, args[0].Text).ConfigureAwait(false) is not { } opened)
        {
            return session.No(request.Tag, "[NONEXISTENT] No such quota root");
        }

        try
        {
            await opened.Account.SetQuotaAsync(storage, messages, session.Aborted).ConfigureAwait(false);
            session.Connection.Write(QuotaRoots.Response(args[0].Text, await opened.Account.GetQuotaAsync(session.Aborted).ConfigureAwait(false)));
            return session.Ok(request.Tag, "SETQUOTA completed");
        }
        finally
        {
            if (opened.Owned)
            {
                await opened.Account.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
