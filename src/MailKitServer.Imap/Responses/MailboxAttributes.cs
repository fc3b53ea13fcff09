using MailKitServer.Storage;

namespace MailKitServer.Imap.Responses;

/// <summary>The attributes LIST shows for a mailbox.</summary>
internal static class MailboxAttributes
{
    /// <summary>CHILDREN (RFC 3348), \Subscribed (RFC 5258), special use (RFC 6154).</summary>
    /// <param name="m">The mailbox.</param>
    /// <param name="showSubscribed">Whether \Subscribed is shown (LIST-EXTENDED SUBSCRIBED).</param>
    /// <returns>The attributes, space-separated, without parentheses.</returns>
    public static string Of(MailboxInfo m, bool showSubscribed)
    {
        var attributes = new List<string> { m.HasChildren ? "\\HasChildren" : "\\HasNoChildren" };
        if (showSubscribed && m.IsSubscribed)
        {
            attributes.Add("\\Subscribed");
        }

        if (m.Role is not (MailboxRole.None or MailboxRole.Inbox))
        {
            attributes.Add("\\" + m.Role);
        }

        return string.Join(' ', attributes);
    }
}
