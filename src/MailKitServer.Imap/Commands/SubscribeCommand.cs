using MailKitServer.Imap.Parsing;
using MailKitServer.Imap.Responses;
using MailKitServer.Imap.Session;

namespace MailKitServer.Imap.Commands;

/// <summary>SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.7, §6.3.8).</summary>
/// <param name="subscribe">Whether this is SUBSCRIBE.</param>
internal sealed class SubscribeCommand(bool subscribe) : ImapCommand(subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var args = request.Arguments;
        if (args.Count < 1 || !session.TryMailboxName(args[0], out var name))
        {
            return args.Count >= 1 && args[0].Kind != ImapTokenKind.List
                ? session.No(request.Tag, "[CANNOT] Invalid mailbox name")
                : await session.BadAsync(request.Tag, $"Syntax: {Name} mailbox").ConfigureAwait(false);
        }

        var result = await session.Account!.SetSubscribedAsync(name, subscribe, session.Aborted).ConfigureAwait(false);
        return result.Succeeded ? session.Ok(request.Tag, $"{Name} completed") : session.No(request.Tag, StoreErrors.Text(result.Status, result.Message));
    }
}
