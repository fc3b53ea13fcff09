using MailKitServer.Imap.Threading;
using static MailKitServer.Imap.Tests.Sorting.TestMessages;

namespace MailKitServer.Imap.Tests.Threading;

/// <summary>THREAD=ORDEREDSUBJECT (RFC 5256 §3).</summary>
public class OrderedSubjectThreaderTests
{
    [Fact]
    public void Groups_by_base_subject_with_the_first_message_as_parent_of_the_rest()
    {
        var m = FromHeaders("Subject: a", "Subject: C", "Subject: b", "Subject: _", "Subject: [x] Fwd: b (fwd)", "Subject: b (a)",
            "Subject: Re: [FWD: c]", "Subject: [xyz]", "From: a@b.example", "Subject: =?iso-8859-1?q?_?=", "Subject: RE: c");
        var roots = OrderedSubjectThreader.Thread(m);
        Assert.Equal("* THREAD (1)(2 (7)(11))(3 5)(4)(6)(8)(9 10)\r\n", ThreadResponseWriter.Format(roots, uid: false));
    }

    [Fact]
    public void Orders_within_a_thread_by_sent_date_and_threads_by_their_first_message()
    {
        var m = new[]
        {
            Message(1, "Subject: a\nDate: Fri, 1 Mar 2024 10:00:10 +0000"),
            Message(2, "Subject: b\nDate: Fri, 1 Mar 2024 10:00:09 +0000"),
            Message(3, "Subject: a\nDate: Fri, 1 Mar 2024 10:00:08 +0000"),
            Message(4, "Subject: b\nDate: Fri, 1 Mar 2024 10:00:07 +0000"),
            Message(5, "Subject: a", At("2024-03-01 10:00:30 +00:00")),
            Message(6, "Subject: b", At("2024-03-01 12:00:29 +02:00")),
        };
        Assert.Equal("* THREAD (4 (2)(6))(3 (1)(5))\r\n", ThreadResponseWriter.Format(OrderedSubjectThreader.Thread(m), uid: false));
    }
}
