namespace MailKitServer.Sieve.Tests.Interpreter;

/// <summary>
/// The example scripts of the RFCs, as printed there, against messages that take each of their branches
/// (RFC 5228 §9 and §5.7, RFC 5229 §3.2, RFC 5230 §4.7 and §7, RFC 5804 §2.6).
/// </summary>
public sealed class RfcExampleTests
{
    // RFC 5228 §9, the extended example (it does not use the implicit keep).
    private const string ExtendedExample = """
        #
        # Example Sieve Filter
        # Declare any optional features or extension used by the script
        #
        require ["fileinto"];

        #
        # Handle messages from known mailing lists
        # Move messages from IETF filter discussion list to filter mailbox
        #
        if header :is "Sender" "owner-ietf-mta-filters@imc.org"
                {
                fileinto "filter";  # move to "filter" mailbox
                }
        #
        # Keep all messages to or from people in my company
        #
        elsif address :DOMAIN :is ["From", "To"] "example.com"
                {
                keep;               # keep in "In" mailbox
                }

        #
        # Try and catch unsolicited email.  If a message is not to me,
        # or it contains a subject known to be spam, file it away.
        #
        elsif anyof (NOT address :all :contains
                       ["To", "Cc", "Bcc"] "me@example.com",
                     header :matches "subject"
                       ["*make*money*fast*", "*university*dipl*mas*"])
                {
                fileinto "spam";   # move to "spam" mailbox
                }
        else
                {
                # Move all other (non-company) mail to "personal"
                # mailbox.
                fileinto "personal";
                }

        """;

    // RFC 5229 §3.2, match variables.
    private const string MatchVariablesExample = """
        require ["fileinto", "variables"];

        if header :matches "List-ID" "*<*@*" {
            fileinto "INBOX.lists.${2}"; stop;
        }

        # Imagine the header
        # Subject: [acme-users] [fwd] version 1.0 is out
        if header :matches "Subject" "[*] *" {
            # ${1} will hold "acme-users",
            # ${2} will hold "[fwd] version 1.0 is out"
            fileinto "INBOX.lists.${1}"; stop;
        }

        # Imagine the header
        # To: coyote@ACME.Example.COM
        if address :matches ["To", "Cc"] ["coyote@**.com",
                "wile@**.com"] {
            # ${0} is the matching address
            # ${1} is always the empty string
            # ${2} is part of the domain name ("ACME.Example")
            fileinto "INBOX.business.${2}"; stop;
        } else {
            # Control wouldn't reach this block if any match was
            # successful, so no match variables are set at this
            # point.
        }

        if anyof (true, address :domain :matches "To" "*.com") {
            # The second test is never evaluated, so there are
            # still no match variables set.
            stop;
        }

        """;

    private static string Message(string headers) => headers.ReplaceLineEndings("\r\n") + "\r\n\r\nBody.\r\n";

    public static TheoryData<string, string, string> Cases => new()
    {
        { ExtendedExample, "From: list@imc.org\nSender: owner-ietf-mta-filters@imc.org\nTo: me@example.com\nSubject: sieve", "fileinto:filter" },
        { ExtendedExample, "From: Colleague <colleague@EXAMPLE.COM>\nTo: someone@example.org\nSubject: lunch", "keep" },
        { ExtendedExample, "From: stranger@example.net\nTo: other@example.net\nSubject: hello", "fileinto:spam" },
        { ExtendedExample, "From: stranger@example.net\nTo: list@example.net\nCc: me@example.com\nSubject: MAKE your money grow FAST", "fileinto:spam" },
        { ExtendedExample, "From: stranger@example.net\nTo: list@example.net\nCc: me@example.com\nSubject: cheap university diplomas", "fileinto:spam" },
        { ExtendedExample, "From: friend@example.net\nCc: me@example.com\nSubject: holidays", "fileinto:personal" },

        // RFC 5228 §5.7: X-Caffeine present, empty key; absent or blank Cc.
        { """if header :is ["X-Caffeine"] [""] { discard; }""", "From: a@example.net\nX-Caffeine: C8H10N4O2", "keep" },
        { """if header :contains ["X-Caffeine"] [""] { discard; }""", "From: a@example.net\nX-Caffeine: C8H10N4O2", "discard" },
        { """if not header :matches "Cc" "?*" { discard; }""", "From: a@example.net", "discard" },
        { """if not header :matches "Cc" "?*" { discard; }""", "From: a@example.net\nCc: b@example.net", "keep" },

        // RFC 5229 §3.2, one message per branch.
        { MatchVariablesExample, "From: a@example.net\nList-ID: ACME users <acme-users@lists.example.com>", "fileinto:INBOX.lists.acme-users" },
        { MatchVariablesExample, "From: a@example.net\nSubject: [acme-users] [fwd] version 1.0 is out", "fileinto:INBOX.lists.acme-users" },
        { MatchVariablesExample, "From: a@example.net\nTo: coyote@ACME.Example.COM\nSubject: anvils", "fileinto:INBOX.business.ACME.Example" },
        { MatchVariablesExample, "From: a@example.net\nTo: roadrunner@example.org\nSubject: meep", "keep" },

        // RFC 5230 §4.7 (a reason chosen by subject) and §7 (the subject from a match variable).
        { """
          require "vacation";
          if header :contains "subject" "cyrus" {
              vacation "I'm out -- send mail to cyrus-bugs";
          } else {
              vacation "I'm out -- call me at +1 304 555 0123";
          }
          """, "From: a@example.net\nTo: bob+lists@example.org\nSubject: cyrus crashed", "vacation; keep" },
        { """
          require ["vacation", "variables"];
          if header :matches "subject" "*" {
              vacation :subject "Automatic response to: ${1}" "I'm away";
          }
          """, "From: a@example.net\nTo: bob+lists@example.org\nSubject: lunch?", "vacation; keep" },

        // RFC 5804 §2.6: the PUTSCRIPT examples (the second one's redirects run; the first is an error on line 2).
        { "#comment\r\nInvalidSieveCommand\r\n", "From: a@example.net", "compile-error" },
        { "require [\"fileinto\"];\r\n\r\nif envelope :contains \"to\" \"tmartin+sent\" {\r\n  fileinto \"INBOX.sent\";\r\n}", "From: a@example.net", "compile-error" },
        { "require [\"fileinto\", \"envelope\"];\r\n\r\nif envelope :contains \"to\" \"tmartin+sent\" {\r\n  fileinto \"INBOX.sent\";\r\n}", "From: a@example.net", "keep" },
        { "redirect \"111@example.net\";\r\n\r\nif size :under 10k {\r\n    redirect \"mobile@cell.example.com\";\r\n}\r\n\r\nif envelope :contains \"to\" \"tmartin+lists\" {\r\n    redirect \"lists@groups.example.com\";\r\n}", "From: a@example.net", "compile-error" },
        { "require \"envelope\";\r\nredirect \"111@example.net\";\r\n\r\nif size :under 10k {\r\n    redirect \"mobile@cell.example.com\";\r\n}", "From: a@example.net", "redirect:111@example.net; redirect:mobile@cell.example.com" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_RFC_example_gives_the_expected_actions(string script, string headers, string expected) =>
        Assert.Equal(expected, await SieveRunner.RunAsync(script, Message(headers)));
}
