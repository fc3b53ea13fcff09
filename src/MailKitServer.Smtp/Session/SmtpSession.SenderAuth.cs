using System.Text;
using MailKitServer.Smtp.Data;
using MailKitServer.Smtp.SenderAuth;

namespace MailKitServer.Smtp.Session;

/// <summary>Sender authentication of a received message and the copy that gets delivered.</summary>
internal sealed partial class SmtpSession
{
    /// <summary>Checks the sender of the message just received, unless the listener does not or the client authenticated.</summary>
    private async ValueTask<InboundCheck?> CheckSenderAsync(SmtpTransaction transaction)
    {
        if (_authenticator is null || _info.AuthenticatedUser is not null)
        {
            return null;
        }

        var spool = transaction.Spool;
        return await _authenticator.CheckAsync(_info, transaction.Sender?.Address, () => spool.OpenRead(transaction.TraceLength), _connection.Aborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The message as delivered, from <paramref name="from"/> in the spool: with the Authentication-Results field above
    /// our Received field (RFC 8601 §4: above the trace fields we add) and without fields that forge our authserv-id
    /// (§5). Without a check it is the spool as it is.
    /// </summary>
    private Stream OpenDelivered(SmtpTransaction transaction, InboundCheck? check, long from)
    {
        var source = transaction.Spool.OpenRead(0);
        if (check is null)
        {
            source.Position = from;
            return source;
        }

        var edits = new List<ContentEdit> { ContentEdit.Insertion(transaction.ReturnPathLength, Encoding.UTF8.GetBytes(check.Authentication.HeaderField)) };
        edits.AddRange(check.ForgedFields.Select(f => ContentEdit.Removal(transaction.TraceLength + f.Offset, f.Length)));
        return new EditedContent(source, from, edits);
    }
}
