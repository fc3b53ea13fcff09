using System.Text;
using MailKitServer.Sieve.Compilation;
using MailKitServer.Sieve.Execution;
using MailKitServer.Sieve.Grammar;

namespace MailKitServer.Sieve.Tests.Interpreter;

/// <summary>Runs a script against a message and describes the outcome as a short string, for table tests.</summary>
internal static class SieveRunner
{
    public const string DefaultMessage =
        "Return-Path: <alice@example.com>\r\n" +
        "Received: from mx.example.com (127.0.0.1)\r\n\tby mail.example.org (MailKitServer) with ESMTP; Sun, 29 Nov 2026 09:20:00 +0000\r\n" +
        "Received: from client (10.0.0.1) by mx.example.com; Sat, 28 Nov 2025 22:00:00 +0000\r\n" +
        "From: Alice Example <alice@example.com>\r\n" +
        "To: Bob <bob+lists@example.org>, carol@example.net\r\n" +
        "Cc: dave@example.org\r\n" +
        "Subject: Invoice 2026-11 for ACME\r\n" +
        "Date: Sun, 29 Nov 2026 10:15:00 +0100\r\n" +
        "Message-ID: <abc123@example.com>\r\n" +
        "List-Id: <acme.lists.example.com>\r\n" +
        "X-Priority: 3\r\n" +
        "X-Spam-Status: No, score=1.2 required=5.0\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "Hello Bob,\r\n" +
        "please find the invoice attached. Total: 1200 EUR.\r\n";

    public static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public static async Task<string> RunAsync(string script, string? message = null, string from = "alice@example.com", string to = "bob+lists@example.org", IReadOnlyDictionary<string, string>? personal = null, IReadOnlyDictionary<string, string>? global = null, SieveLimits? limits = null)
    {
        SieveScript compiled;
        try
        {
            compiled = SieveCompiler.Compile(script);
        }
        catch (SieveSyntaxException)
        {
            return "compile-error";
        }

        var env = new SieveEnvironment
        {
            Message = SieveMessage.FromBytes(Encoding.UTF8.GetBytes(message ?? DefaultMessage)),
            EnvelopeFrom = from,
            EnvelopeTo = to,
            Now = Now,
            Limits = limits ?? new SieveLimits(),
            LoadScript = (name, isGlobal, _) =>
            {
                var source = isGlobal ? global : personal;
                return ValueTask.FromResult(source is not null && source.TryGetValue(name, out var text) ? SieveCompiler.Compile(text) : null);
            },
            MailboxExists = (name, _) => ValueTask.FromResult(name is "INBOX" or "Work"),
        };
        var result = await SieveInterpreter.RunAsync(compiled, env, CancellationToken.None);
        return Describe(result);
    }

    public static string Describe(SieveResult result)
    {
        if (result.Error is not null)
        {
            return "error";
        }

        var parts = new List<string>();
        foreach (var a in result.Actions)
        {
            parts.Add(a.Kind switch
            {
                SieveActionKind.Keep => "keep" + Flags(a.Flags),
                SieveActionKind.FileInto => $"fileinto:{a.Argument}{(a.Create ? "(create)" : string.Empty)}{Flags(a.Flags)}",
                SieveActionKind.Redirect => $"redirect:{a.Argument}",
                SieveActionKind.Discard => "discard",
                SieveActionKind.Reject => $"{(a.Extended ? "ereject" : "reject")}:{a.Argument}",
                _ => "vacation",
            });
        }

        if (result.ImplicitKeep)
        {
            parts.Add("keep" + Flags(result.ImplicitKeepFlags));
        }

        return string.Join("; ", parts);
    }

    private static string Flags(IReadOnlyList<string>? flags) => flags is { Count: > 0 } ? "[" + string.Join(' ', flags) + "]" : string.Empty;
}
