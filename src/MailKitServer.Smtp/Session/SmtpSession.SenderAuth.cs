using System.Text;
using MailKitServer.Smtp.Data;
using MailKitServer.Smtp.SenderAuth;

namespace MailKitServer.Smtp.Session;

/// <summary>Sender authentication of a received message, DKIM signing of a submitted one, and the copy that gets delivered.</summary>
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
    /// What the delivered copy gets on top of the octets as received, all above our Received field (RFC 8601 §4: above
    /// the trace fields we add): the Authentication-Results field, with the fields that forge our authserv-id removed
    /// (§5); for an authenticated sender whose domain has a key, a DKIM-Signature field (RFC 6376 §5.6).
    /// </summary>
    private async ValueTask<IReadOnlyList<ContentEdit>> DeliveredEditsAsync(SmtpTransaction transaction, InboundCheck? check)
    {
        var edits = new List<ContentEdit>();
        if (check is not null)
        {
            edits.Add(ContentEdit.Insertion(transaction.ReturnPathLength, Encoding.UTF8.GetBytes(check.Authentication.HeaderField)));
            edits.AddRange(check.ForgedFields.Select(f => ContentEdit.Removal(transaction.TraceLength + f.Offset, f.Length)));
        }

        if (_signer is not null && _info.AuthenticatedUser is not null)
        {
            await using var content = transaction.Spool.OpenRead(transaction.TraceLength);
            if (await _signer.SignAsync(content, _connection.Aborted).ConfigureAwait(false) is { } signed)
            {
                edits.Add(ContentEdit.Insertion(transaction.ReturnPathLength, signed.Field));
                _context.Metrics.OutboundSignatures.Add(1, new KeyValuePair<string, object?>("method", "dkim"), new KeyValuePair<string, object?>("algorithm", signed.Key.Algorithm));
            }
        }

        return edits;
    }

    /// <summary>The message as delivered, from <paramref name="from"/> in the spool, with the edits applied.</summary>
    private Stream OpenDelivered(SmtpTransaction transaction, IReadOnlyList<ContentEdit> edits, long from)
    {
        var source = transaction.Spool.OpenRead(0);
        if (edits.Count == 0)
        {
            source.Position = from;
            return source;
        }

        return new EditedContent(source, from, edits);
    }
}
