using MailKitServer.Imap.Sorting;
using MailKitServer.Imap.Threading;
using static MailKitServer.Imap.Tests.Sorting.TestMessages;

namespace MailKitServer.Imap.Tests.Threading;

/// <summary>THREAD=REFERENCES (RFC 5256 §3), one rule at a time.</summary>
public class ReferencesThreaderTests
{
    private static string Thread(params SortableMessage[] messages) =>
        ThreadResponseWriter.Format(ReferencesThreader.Thread(messages), uid: false).TrimEnd();

    private static string Thread(params string[] headers) => Thread(FromHeaders(headers));

    [Fact]
    public void References_make_a_chain()
    {
        Assert.Equal("* THREAD (1 2 3)", Thread("Message-ID: <a@x>", "Message-ID: <b@x>\nReferences: <a@x>", "Message-ID: <c@x>\nReferences: <a@x> <b@x>"));
    }

    [Fact]
    public void In_reply_to_is_used_when_references_has_no_valid_id()
    {
        Assert.Equal("* THREAD (1 2 3)", Thread(
            "Message-ID: <a@x>",
            "Message-ID: <b@x>\nIn-Reply-To: Your message of Monday <a@x>",
            "Message-ID: <c@x>\nReferences: no ids here\nIn-Reply-To: <b@x> <a@x>"));
    }

    [Fact]
    public void Message_ids_are_normalised_before_comparison()
    {
        Assert.Equal("* THREAD (1 2)", Thread("Message-ID: <\"01KF8JCEOCBS0045PS\"@xxx.yyy.com>", "Message-ID: <q@x>\nReferences: <01KF8JCEOCBS0045PS@xxx.yyy.com>"));
        Assert.Equal("* THREAD (1)(2)", Thread("Message-ID: <Case@x>", "Message-ID: <q@x>\nReferences: <case@x>")); // case-sensitive
    }

    [Fact]
    public void A_link_that_would_make_a_loop_is_not_made_and_a_new_parent_replaces_an_old_one()
    {
        // 2 makes 3's id the parent of 2 (and a the parent of c); 3 then says its parent is 2: its old link to a is
        // broken and the new one would make a loop, so 3 is a root with 2 below it.
        var m = new[]
        {
            Message(1, "Message-ID: <a@x>\nDate: Fri, 1 Mar 2024 12:00:00 +0000"),
            Message(2, "Message-ID: <b@x>\nReferences: <a@x> <c@x>\nDate: Fri, 1 Mar 2024 10:00:00 +0000"),
            Message(3, "Message-ID: <c@x>\nReferences: <b@x>\nDate: Fri, 1 Mar 2024 11:00:00 +0000"),
        };
        Assert.Equal("* THREAD (3 2)(1)", Thread(m));
    }

    [Fact]
    public void A_message_referencing_itself_is_not_its_own_parent()
    {
        Assert.Equal("* THREAD (1)", Thread("Message-ID: <a@x>\nReferences: <a@x>"));
    }

    [Fact]
    public void Duplicate_message_ids_count_only_for_the_first_message()
    {
        Assert.Equal("* THREAD (1)(2)", Thread("Message-ID: <a@x>", "Message-ID: <a@x>"));
        Assert.Equal("* THREAD (1 (2 3)(4))", Thread(
            "Message-ID: <a@x>",
            "Message-ID: <b@x>\nReferences: <a@x>",
            "Message-ID: <c@x>\nReferences: <b@x>",
            "Message-ID: <b@x>\nReferences: <a@x>"));
    }

    [Fact]
    public void An_existing_parent_link_is_kept_when_later_references_disagree()
    {
        // y is first seen under p1; message 4 claims p2 is y's parent, which is ignored.
        Assert.Equal("* THREAD (1 (3)(4))(2)", Thread(
            "Message-ID: <p1@x>",
            "Message-ID: <p2@x>",
            "Message-ID: <x@x>\nReferences: <p1@x> <y@x>",
            "Message-ID: <z@x>\nReferences: <p2@x> <y@x>"));
    }

    [Fact]
    public void Dummies_inside_a_thread_are_replaced_by_their_children()
    {
        Assert.Equal("* THREAD (1 (2)(3))", Thread(
            "Message-ID: <a@x>",
            "Message-ID: <c@x>\nReferences: <a@x> <missing@x>",
            "Message-ID: <d@x>\nReferences: <a@x> <missing@x>"));
    }

    [Fact]
    public void A_top_level_dummy_stays_for_two_children_and_goes_for_one()
    {
        Assert.Equal("* THREAD ((1)(2))", Thread("References: <gone@x>", "References: <gone@x>"));
        Assert.Equal("* THREAD (1)", Thread("References: <gone@x>"));
        Assert.Equal("* THREAD (1)", Thread("Message-ID: <a@x>\nReferences: <gone1@x> <gone2@x>"));
    }

    [Fact]
    public void Threads_with_the_same_base_subject_are_merged()
    {
        // Neither is a reply: a dummy holds both.
        Assert.Equal("* THREAD ((1)(2))", Thread("Message-ID: <a@x>\nSubject: Meeting", "Message-ID: <b@x>\nSubject: meeting"));

        // A reply joins the thread of the original, whichever comes first.
        Assert.Equal("* THREAD (1 2)", Thread("Subject: Plan", "Subject: Re: Plan"));
        Assert.Equal("* THREAD (2 1)", Thread("Subject: Re: Plan", "Subject: Plan"));

        // Two replies: a dummy. With the original present, both replies go below it.
        Assert.Equal("* THREAD ((1)(2))", Thread("Subject: Re: x", "Subject: Fwd: x"));
        Assert.Equal("* THREAD (3 (1)(2))", Thread("Subject: Re: x", "Subject: Fwd: x", "Subject: x"));

        // A thread whose head is a dummy (two children) takes in a message with its subject.
        Assert.Equal("* THREAD ((1)(2)(3))", Thread("Subject: Re: y\nReferences: <gone@x>", "Subject: Re: y\nReferences: <gone@x>", "Subject: y"));

        // Two dummy-headed threads with one subject: their children become siblings.
        Assert.Equal("* THREAD ((1)(2)(3)(4))", Thread(
            "Subject: z\nReferences: <g1@x>", "Subject: z\nReferences: <g1@x>", "Subject: z\nReferences: <g2@x>", "Subject: z\nReferences: <g2@x>"));

        // No subject: never merged.
        Assert.Equal("* THREAD (1)(2)", Thread("Message-ID: <a@x>", "Message-ID: <b@x>"));
    }

    [Fact]
    public void Threads_and_siblings_are_ordered_by_sent_date_then_sequence()
    {
        var m = new[]
        {
            Message(1, "Message-ID: <a@x>\nDate: Fri, 1 Mar 2024 09:00:00 +0000"),
            Message(2, "Message-ID: <b@x>\nReferences: <a@x>\nDate: Fri, 1 Mar 2024 11:00:00 +0000"),
            Message(3, "Message-ID: <c@x>\nReferences: <a@x>\nDate: Fri, 1 Mar 2024 10:00:00 +0000"),
            Message(4, "Message-ID: <d@x>\nDate: Fri, 1 Mar 2024 08:00:00 +0000"),
            Message(5, "Message-ID: <e@x>\nReferences: <gone@x>\nDate: Fri, 1 Mar 2024 09:30:00 +0000"),
            Message(6, "Message-ID: <f@x>\nReferences: <gone@x>\nDate: Fri, 1 Mar 2024 08:30:00 +0000"),
            Message(7, "Message-ID: <g@x>\nReferences: <a@x>", At("2024-03-01 10:00:00 +00:00")), // no Date: arrival, ties with 3
        };
        Assert.Equal("* THREAD (4)((6)(5))(1 (3)(7)(2))", Thread(m));
    }

    [Fact]
    public void A_searched_subset_threads_around_the_missing_messages()
    {
        // Message 2 (the parent of 3) is not among the searched messages: 3 hangs below a dummy, then promoted.
        var all = FromHeaders("Message-ID: <a@x>", "Message-ID: <b@x>\nReferences: <a@x>", "Message-ID: <c@x>\nReferences: <a@x> <b@x>");
        Assert.Equal("* THREAD (1 3)", Thread(all[0], all[2]));
        Assert.Equal("* THREAD (3)", Thread(all[2]));
    }

    [Fact]
    public void A_very_deep_thread_is_threaded_and_written_without_recursion()
    {
        const int depth = 50_000;
        var m = new SortableMessage[depth];
        for (var i = 0; i < depth; i++)
        {
            m[i] = Message(i + 1, i == 0 ? "Message-ID: <m0@x>" : $"Message-ID: <m{i}@x>\nIn-Reply-To: <m{i - 1}@x>");
        }

        var line = Thread(m);
        Assert.StartsWith("* THREAD (1 2 3 ", line, StringComparison.Ordinal);
        Assert.EndsWith(" 49999 50000)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Uid_thread_names_uids()
    {
        var roots = ReferencesThreader.Thread(FromHeaders("Message-ID: <a@x>", "Message-ID: <b@x>\nReferences: <a@x>"));
        Assert.Equal("* THREAD (101 102)\r\n", ThreadResponseWriter.Format(roots, uid: true));
        Assert.Equal("* THREAD\r\n", ThreadResponseWriter.Format([], uid: true));
    }
}
