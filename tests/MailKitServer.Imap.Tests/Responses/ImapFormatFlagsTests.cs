using MailKitServer.Imap.Responses;
using MailKitServer.Storage;

namespace MailKitServer.Imap.Tests.Responses;

public class ImapFormatFlagsTests
{
    [Fact]
    public void Every_keywordless_combination_reads_as_before_and_is_made_once()
    {
        for (var bits = 0; bits < 32; bits++)
        {
            foreach (var recent in new[] { false, true })
            {
                var flags = (SystemFlags)bits;
                var expected = Expected(flags, recent, []);
                var first = ImapFormat.Flags(flags, Array.Empty<string>(), recent);
                Assert.Equal(expected, first);

                // A list without keywords takes the same string; a lazy sequence (not a collection) the general path.
                Assert.Same(first, ImapFormat.Flags(flags, new List<string>(), recent));
                Assert.Equal(expected, ImapFormat.Flags(flags, Enumerable.Empty<string>().Where(_ => true), recent));
            }
        }
    }

    [Fact]
    public void Keywords_follow_the_system_flags_in_their_order()
    {
        Assert.Equal("(\\Recent \\Seen \\Draft $Forwarded work)", ImapFormat.Flags(SystemFlags.Seen | SystemFlags.Draft, ["$Forwarded", "work"], recent: true));
        Assert.Equal("(Junk)", ImapFormat.Flags(SystemFlags.None, ["Junk"]));
        Assert.Equal("()", ImapFormat.Flags(SystemFlags.None, []));
    }

    private static string Expected(SystemFlags flags, bool recent, string[] keywords)
    {
        var parts = new List<string>();
        if (recent)
        {
            parts.Add("\\Recent");
        }

        foreach (var (flag, name) in new[] { (SystemFlags.Seen, "\\Seen"), (SystemFlags.Answered, "\\Answered"), (SystemFlags.Flagged, "\\Flagged"), (SystemFlags.Deleted, "\\Deleted"), (SystemFlags.Draft, "\\Draft") })
        {
            if ((flags & flag) != 0)
            {
                parts.Add(name);
            }
        }

        parts.AddRange(keywords);
        return "(" + string.Join(' ', parts) + ")";
    }
}
