using MailKitServer.Imap.Notify;

namespace MailKitServer.Imap.Tests.Notify;

/// <summary>NOTIFY's arguments (RFC 5465 §8).</summary>
public class NotifyRequestTests
{
    [Fact]
    public void Parses_the_rfc_example_split_at_every_byte_boundary()
    {
        WireTokens.ForEachSplit("b notify set status (selected MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge) (subtree Lists MessageNew)", args =>
        {
            Assert.True(NotifyRequest.TryParse(args, out var request, out var error, out _), error);
            Assert.False(request.IsNone);
            Assert.True(request.Status);
            Assert.Equal(2, request.Groups.Count);
            Assert.Equal(NotifyFilter.Selected, request.Groups[0].Filter);
            Assert.Equal(NotifyEvents.MessageNew | NotifyEvents.MessageExpunge, request.Groups[0].Events);
            Assert.Equal("(uid body.peek[header.fields (from to subject)])", request.Groups[0].FetchAttributes);
            Assert.Equal(NotifyFilter.Subtree, request.Groups[1].Filter);
            Assert.Equal(["Lists"], request.Groups[1].Mailboxes);
            Assert.Equal(NotifyEvents.MessageNew, request.Groups[1].Events);
        });
    }

    [Fact]
    public void Parses_every_filter_none_and_mailbox_lists()
    {
        var args = WireTokens.Parse("a NOTIFY SET (selected-delayed (MessageNew MessageExpunge FlagChange)) (inboxes NONE) (personal (MailboxName SubscriptionChange)) (subscribed (MessageNew)) (mailboxes (INBOX \"Sent Items\") (messageexpunge))");
        Assert.True(NotifyRequest.TryParse(args, out var request, out var error, out _), error);
        Assert.False(request.Status);
        Assert.Equal([NotifyFilter.SelectedDelayed, NotifyFilter.Inboxes, NotifyFilter.Personal, NotifyFilter.Subscribed, NotifyFilter.Mailboxes], request.Groups.Select(g => g.Filter));
        Assert.Equal(NotifyEvents.None, request.Groups[1].Events);
        Assert.Equal(NotifyEvents.MailboxName | NotifyEvents.SubscriptionChange, request.Groups[2].Events);
        Assert.Equal(["INBOX", "Sent Items"], request.Groups[4].Mailboxes);
        Assert.True(NotifyRequest.TryParse(WireTokens.Parse("a NOTIFY NONE"), out var none, out _, out _));

        // The RFC's own example leaves out the parentheses around the events; that form is accepted too.
        Assert.True(NotifyRequest.TryParse(WireTokens.Parse("a NOTIFY SET (mailboxes INBOX MessageNew MessageExpunge)"), out var bare, out error, out _), error);
        Assert.Equal(NotifyEvents.MessageNew | NotifyEvents.MessageExpunge, bare.Groups[0].Events);
        Assert.True(none.IsNone);
    }

    [Theory]
    [InlineData("a NOTIFY", "NOTIFY needs SET or NONE")]
    [InlineData("a NOTIFY GET (personal (MessageNew))", "NOTIFY needs SET or NONE")]
    [InlineData("a NOTIFY NONE (personal (MessageNew))", "NOTIFY NONE takes no arguments")]
    [InlineData("a NOTIFY SET", "NOTIFY SET needs at least one event group")]
    [InlineData("a NOTIFY SET STATUS", "NOTIFY SET needs at least one event group")]
    [InlineData("a NOTIFY SET personal (MessageNew)", "Invalid event group")]
    [InlineData("a NOTIFY SET (everything (MessageNew))", "Unknown mailbox filter everything")]
    [InlineData("a NOTIFY SET (personal)", "Invalid event group")]
    [InlineData("a NOTIFY SET (personal ())", "Events must be a list or NONE")]
    [InlineData("a NOTIFY SET (mailboxes (MessageNew))", "An event group is a filter and one event list")]
    [InlineData("a NOTIFY SET (mailboxes () (MessageNew))", "Invalid mailbox list")]
    [InlineData("a NOTIFY SET (selected (MailboxName))", "SELECTED takes message events only")]
    [InlineData("a NOTIFY SET (selected (MessageNew)) (selected-delayed (MessageNew))", "Only one SELECTED or SELECTED-DELAYED event group")]
    [InlineData("a NOTIFY SET (personal (MessageNew (UID)))", "Fetch attributes are allowed only for SELECTED")]
    [InlineData("a NOTIFY SET (personal ((MessageNew)))", "Invalid event")]
    public void Refuses_invalid_requests_with_bad(string line, string message)
    {
        Assert.False(NotifyRequest.TryParse(WireTokens.Parse(line), out _, out var error, out var badEvent));
        Assert.Equal(message, error);
        Assert.False(badEvent);
    }

    [Theory]
    [InlineData("a NOTIFY SET (personal (AnnotationChange))")]
    [InlineData("a NOTIFY SET (personal (MessageNew ServerMetadataChange))")]
    [InlineData("a NOTIFY SET (personal (MailboxMetadataChange))")]
    [InlineData("a NOTIFY SET (personal (Whatever))")]
    public void Refuses_unsupported_events_with_badevent(string line)
    {
        Assert.False(NotifyRequest.TryParse(WireTokens.Parse(line), out _, out _, out var badEvent));
        Assert.True(badEvent);
    }

    [Fact]
    public void Refuses_too_many_mailboxes()
    {
        var names = string.Join(' ', Enumerable.Range(0, NotifyRequest.MaxMailboxes + 1).Select(i => "m" + i));
        Assert.False(NotifyRequest.TryParse(WireTokens.Parse($"a NOTIFY SET (mailboxes ({names}) (MessageNew))"), out _, out var error, out _));
        Assert.Equal("Invalid mailbox list", error);
    }
}
