using MailKitServer.Imap.Acl;
using MailKitServer.Imap.ObjectIds;
using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Commands;

/// <summary>CREATE (RFC 9051 §6.3.4), with CREATE-SPECIAL-USE (RFC 6154 §3): CREATE name (USE (\Sent)).</summary>
internal sealed class CreateCommand() : ImapCommand("CREATE", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;

        // RFC 3501 §6.3.3: a name ending in the separator asks for a mailbox that will have children; it is created
        // without the trailing separator.
        var token = args.Count >= 1 && args[0].Kind != ImapTokenKind.List && args[0].Text.Length > 1 && args[0].Text[^1] == MailboxName.Separator
            ? ImapToken.Quoted(args[0].Text[..^1])
            : args.Count >= 1 ? args[0] : null;
        if (token is null || !session.TryMailboxName(token, out var name))
        {
            return args.Count >= 1 && args[0].Kind != ImapTokenKind.List
                ? session.No(request.Tag, "[CANNOT] Invalid mailbox name")
                : await session.BadAsync(request.Tag, "Syntax: CREATE mailbox").ConfigureAwait(false);
        }

        var role = MailboxRole.None;
        if (args.Count >= 2 && args[1].Kind == ImapTokenKind.List && args[1].Items.Count == 2 && args[1].Items[0].Text.Equals("USE", StringComparison.OrdinalIgnoreCase))
        {
            var use = args[1].Items[1].Items.FirstOrDefault()?.Text.TrimStart('\\') ?? string.Empty;
            if (!Enum.TryParse(use, ignoreCase: true, out role))
            {
                return session.No(request.Tag, "[USEATTR] Unsupported special use");
            }
        }

        // RFC 4314 §4: "k" on the nearest existing parent.
        if (await MailboxAccess.DenyCreateAsync(session, name).ConfigureAwait(false) is { } denied)
        {
            return session.No(request.Tag, denied);
        }

        var result = await session.Account!.CreateAsync(name, role, session.Aborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return session.No(request.Tag, StoreErrors.Text(result.Status, result.Message));
        }

        // RFC 8474 §4.1: with OBJECTID every successful CREATE says the new mailbox's MAILBOXID.
        return session.Ok(request.Tag, await MailboxIds.CodeAsync(session, name).ConfigureAwait(false) is { } code ? $"[{code}] CREATE completed" : "CREATE completed");
    }
}
