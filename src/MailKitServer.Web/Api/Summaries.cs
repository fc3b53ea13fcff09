using MailKitServer.Storage;
using MimeKit;

namespace MailKitServer.Web.Api;

/// <summary>Builds list entries from the store's metadata and a message's header block.</summary>
internal static class Summaries
{
    public static MessageSummary Create(MessageId id, MessageInfo info, HeaderList headers)
    {
        var from = Addresses(headers, HeaderId.From);
        return new MessageSummary(
            id.ToString(),
            id.User,
            id.Mailbox,
            info.Uid,
            info.InternalDate,
            info.Size,
            info.Flags.HasFlag(SystemFlags.Seen),
            Flags(info),
            from.Count > 0 ? from[0] : null,
            Addresses(headers, HeaderId.To),
            headers[HeaderId.Subject],
            headers[HeaderId.Date] is { } date && MimeKit.Utils.DateUtils.TryParse(date, out var parsed) ? parsed : null,
            headers[HeaderId.MessageId]?.Trim());
    }

    /// <summary>The addresses of one header (every occurrence), as "Name &lt;addr&gt;" strings; unparsable ones as written.</summary>
    public static List<string> Addresses(HeaderList headers, HeaderId id)
    {
        var list = new List<string>();
        foreach (var header in headers.Where(h => h.Id == id))
        {
            if (InternetAddressList.TryParse(header.Value, out var addresses))
            {
                list.AddRange(addresses.Mailboxes.Select(m => m.ToString()));
            }
            else
            {
                list.Add(header.Value.Trim());
            }
        }

        return list;
    }

    public static IReadOnlyList<string> Flags(MessageInfo info)
    {
        var flags = new List<string>();
        foreach (var flag in new[] { SystemFlags.Seen, SystemFlags.Answered, SystemFlags.Flagged, SystemFlags.Deleted, SystemFlags.Draft })
        {
            if (info.Flags.HasFlag(flag))
            {
                flags.Add("\\" + flag);
            }
        }

        flags.AddRange(info.Keywords);
        return flags;
    }
}
