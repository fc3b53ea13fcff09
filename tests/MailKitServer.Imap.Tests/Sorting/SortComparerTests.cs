using MailKitServer.Imap.Sorting;
using static MailKitServer.Imap.Tests.Sorting.TestMessages;

namespace MailKitServer.Imap.Tests.Sorting;

/// <summary>Each SORT key of RFC 5256 §3 and RFC 5957 §4 on small mailboxes; ties always fall back to sequence order.</summary>
public class SortComparerTests
{
    private static readonly SortCriterion Arrival = new(SortField.Arrival, false);
    private static readonly SortCriterion Date = new(SortField.Date, false);
    private static readonly SortCriterion Size = new(SortField.Size, false);
    private static readonly SortCriterion Subject = new(SortField.Subject, false);

    private static SortCriterion Reverse(SortCriterion c) => c with { Reverse = true };

    [Fact]
    public void Arrival_is_the_internal_date_with_time()
    {
        SortableMessage[] m =
        [
            Message(1, "Subject: x", At("2024-03-01 09:00:00 +00:00")),
            Message(2, "Subject: x", At("2024-03-01 11:00:00 +00:00")),
            Message(3, "Subject: x", At("2024-03-01 10:00:00 +00:00")),
            Message(4, "Subject: x", At("2024-03-01 13:00:00 +02:00")), // 11:00 UTC, ties with 2
        ];
        Assert.Equal("1 3 2 4", Sorted(m, Arrival));
        Assert.Equal("2 4 3 1", Sorted(m, Reverse(Arrival)));  // REVERSE does not reverse the sequence tie-break
    }

    [Fact]
    public void Date_is_the_sent_date_in_utc_or_the_internal_date_when_missing_or_invalid()
    {
        SortableMessage[] m =
        [
            Message(1, "Date: Fri, 1 Mar 2024 02:00:00 +0200"),                          // 00:00 UTC
            Message(2, "Date: Thu, 29 Feb 2024 23:30:00 -0100"),                         // 00:30 UTC
            Message(3, "Subject: no date", At("2024-02-29 23:00:00 +00:00")),
            Message(4, "Date: not a date at all", At("2024-03-01 00:15:00 +00:00")),
            Message(5, "Date: 1 Mar 2024 00:00:00 +0000"),                               // ties with 1
            Message(6, "Date: Fri, 1 Mar 2024 00:10:00 XYZ"),                            // unknown zone: UTC
        ];
        Assert.Equal("3 1 5 6 4 2", Sorted(m, Date));
        Assert.Equal("2 4 6 1 5 3", Sorted(m, Reverse(Date)));
    }

    [Fact]
    public void Size_then_a_second_key()
    {
        SortableMessage[] m =
        [
            Message(1, "Subject: b", size: 300),
            Message(2, "Subject: a", size: 100),
            Message(3, "Subject: c", size: 300),
            Message(4, "Subject: a", size: 200),
            Message(5, "Subject: a", size: 100),
        ];
        Assert.Equal("2 5 4 1 3", Sorted(m, Size));
        Assert.Equal("1 3 4 2 5", Sorted(m, Reverse(Size)));
        Assert.Equal("4 2 5 1 3", Sorted(m, Subject, Reverse(Size)));
        Assert.Equal("2 5 4 1 3", Sorted(m, Subject, Size, Reverse(Arrival)));
    }

    [Fact]
    public void Subject_uses_the_base_subject_and_the_casemap_collation()
    {
        var m = FromHeaders(
            "Subject: beta",
            "Subject: Re: Alpha",
            "Subject: [list] gamma",
            "Subject: =?utf-8?q?=C3=A9clair?=",   // éclair: E + combining acute after decomposition
            "Subject: ALPHA (fwd)",
            "From: nobody@example.test",            // no Subject: the empty string, first
            "Subject: Eclair",
            "Subject: _underscore",
            "Subject: [fwd: beta]");
        Assert.Equal("6 2 5 1 9 7 4 3 8", Sorted(m, Subject));
        Assert.Equal("8 3 4 7 1 9 2 5 6", Sorted(m, Reverse(Subject)));
    }

    [Fact]
    public void From_to_and_cc_compare_only_the_mailbox_of_the_first_address()
    {
        var m = FromHeaders(
            "From: Zed <bob@a.example>\nTo: carol@z.example\nCc: team: dave@x.example, erin@x.example;",
            "From: alice@z.example, zoe@a.example\nTo: \"Carol\" <CAROL@a.example>\nCc: (nobody)",
            "From: Bob <bob@b.example>\nTo: undisclosed-recipients:;\nCc: adam@x.example",
            "Subject: no addresses");
        Assert.Equal("4 2 1 3", Sorted(m, new SortCriterion(SortField.From, false)));
        Assert.Equal("4 1 2 3", Sorted(m, new SortCriterion(SortField.To, false)));    // group name "undisclosed-recipients"
        Assert.Equal("2 4 3 1", Sorted(m, new SortCriterion(SortField.Cc, false)));    // empty Cc first; group name "team"
        Assert.Equal("1 3 2 4", Sorted(m, new SortCriterion(SortField.From, true)));
    }

    [Fact]
    public void Display_keys_use_the_decoded_name_else_the_address()
    {
        var m = FromHeaders(
            "From: Zed <a@a.example>\nTo: =?iso-8859-1?q?=C9mile?= <x@x.example>",
            "From: b@b.example\nTo: alpha: x@x.example;",
            "From: \"\" <aa@a.example>\nTo: y@y.example",
            "From: =?utf-8?b?w4Z0aGVy?= <q@q.example>\nTo: Émile Zola <z@z.example>",
            "Subject: nothing");
        Assert.Equal("5 3 2 1 4", Sorted(m, new SortCriterion(SortField.DisplayFrom, false))); // "", aa@a.example, b@b.example, Zed, Æther
        Assert.Equal("5 2 1 4 3", Sorted(m, new SortCriterion(SortField.DisplayTo, false)));   // "", alpha, Émile, Émile Zola, y@y.example
        Assert.Equal("4 1 2 3 5", Sorted(m, new SortCriterion(SortField.DisplayFrom, true)));
    }
}
