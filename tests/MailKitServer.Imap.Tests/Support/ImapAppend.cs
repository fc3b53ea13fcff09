using System.Text;
using MailKitServer.TestSupport;
using static MailKitServer.Imap.Tests.Session.ImapTestClient;

namespace MailKitServer.Imap.Tests.Support;

/// <summary>Appends messages over IMAP with a chosen internal date, as a client would.</summary>
internal static class ImapAppend
{
    /// <summary>APPENDs header lines (LF-separated) and a body; returns the tagged reply.</summary>
    public static async Task<string> AppendAsync(LineClient client, string header, string internalDate, string body = "body", string mailbox = "INBOX")
    {
        var message = header.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n\r\n" + body + "\r\n";
        var reply = await TaggedAsync(client, $"ap APPEND {mailbox} \"{internalDate}\" {{{Encoding.UTF8.GetByteCount(message)}+}}\r\n{message}");
        Assert.StartsWith("ap OK", reply, StringComparison.Ordinal);
        return reply;
    }
}
