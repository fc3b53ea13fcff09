using System.Text;
using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.Tests.Sorting;

/// <summary>RFC 5256 §2.1 base subject extraction, step by step.</summary>
public class BaseSubjectTests
{
    public static TheoryData<string, string, bool> Cases => new()
    {
        { "Hello", "Hello", false },
        { "Re: Hello", "Hello", true },
        { "RE:Hello", "Hello", true },
        { "re : Hello", "Hello", true },          // subj-refwd allows WSP before the colon
        { "Fwd: Hello", "Hello", true },
        { "FW: Hello", "Hello", true },
        { "fwd [list]: Hello", "Hello", true },   // ... and a blob
        { "Re:Re: Re:  Hello", "Hello", true },
        { "[list] Re: Hello", "Hello", true },    // subj-leader = *subj-blob subj-refwd
        { "[list] Hello", "Hello", false },       // step (4): a leading blob goes when text remains
        { "[list]", "[list]", false },            // ... and stays when nothing would remain
        { "[a] [b]", "[b]", false },
        { "Hello (fwd)", "Hello", true },         // step (2): subj-trailer
        { "Hello (FWD) (fwd)  ", "Hello", true },
        { "[Fwd: Hello]", "Hello", true },        // step (6): subj-fwd-hdr ... subj-fwd-trl
        { "Re: [fwd: Re: Hello]", "Hello", true },
        { "[fwd: [fwd: x] ]", "x", true },
        { "re: [fwd: [fwd: re: [fwd: deep]]]", "deep", true },
        { "[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)", "b", true },
        { "Re: [xyz]", "[xyz]", true },
        { "[fwd: x", "[fwd: x", false },
        { "[fwd:]", "", true },
        { "Reply: Hello", "Reply: Hello", false }, // "re" must be followed by WSP, a blob or ':'
        { "Ad: Re: Ad: x", "Ad: Re: Ad: x", false }, // translations are not removed (RFC 5256 §7)
        { "fw", "fw", false },
        { "\tRe:\r\n Hello\t", "Hello", true },   // step (1): tabs and continuations are spaces
        { "Two  spaces   here", "Two spaces here", false },
        { "", "", false },
        { "   ", "", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Extracts_the_base_subject(string subject, string expected, bool reply)
    {
        Assert.Equal(expected, BaseSubject.Extract(subject, out var isReply));
        Assert.Equal(reply, isReply);
    }

    [Theory]
    [InlineData("=?iso-8859-1?q?RE:_Caf=E9?=", "CAFE\u0301", true)]
    [InlineData("=?iso-8859-1?q?_?=", "", false)]             // decodes to a space: empty base subject
    [InlineData("=?us-ascii?b?UmU6IGM=?=", "C", true)]          // "Re: c"
    [InlineData("Re: =?utf-8?q?b?=", "B", true)]
    [InlineData("[list] =?utf-8?b?w5xiZXI=?=", "U\u0308BER", false)] // "Über"
    public void Encoded_words_are_decoded_before_extraction_and_the_key_is_casemapped(string header, string key, bool reply)
    {
        var message = TestMessages.Message(1, "Subject: " + header);
        Assert.Equal(key, Encoding.UTF8.GetString(message.Data.Subject));
        Assert.Equal(reply, message.Data.IsReplyOrForward);
    }
}
