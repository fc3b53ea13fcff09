using System.Collections.Concurrent;
using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKitServer.Hostile.Tests.Support;
using MailKitServer.TestSupport;
using Microsoft.Extensions.Logging;
using MimeKit;
using Xunit.Abstractions;

namespace MailKitServer.Hostile.Tests.Fuzz;

/// <summary>
/// Issue 15, "Done when": a fixed-seed fuzz run of every listener (SMTP, submission, LMTP, POP3, IMAP before and
/// after login) from real client transcripts. Afterwards the server is alive, no session ended in an unhandled
/// exception (nothing logged at Error, no unobserved task exception), no session hung, the managed heap grew by less
/// than <see cref="HeapGrowthBound"/>, and MailKit's SMTP, IMAP and POP3 clients are served as usual.
/// Session <c>n</c> of a listener always gets the same input (its seed is in every report, to replay it); each
/// listener gets up to <see cref="SessionsPerListener"/> sessions within <see cref="BudgetPerListener"/>.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class ListenerFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20_261_129;
    private const int SessionsPerListener = 600;
    private const int Parallel = 4;
    private const long HeapGrowthBound = 64L * 1024 * 1024;
    private static readonly TimeSpan BudgetPerListener = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_listener_survives_a_fixed_seed_fuzz_run_and_serves_real_clients_afterwards()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            var log = new CapturingLoggerFactory(keepFrom: LogLevel.Warning);
            await using var server = await TestMailServer.StartAsync(
                smtp: o => o.MaxMessageSize = 256 * 1024,
                configure: b => b.UseLoggerFactory(log).Configure(o =>
                {
                    // Wrong passwords are most of what a fuzzer sends; throttling them would only slow the run down.
                    o.AuthFailuresBeforeDelay = 1_000_000;
                    o.AddressAuthFailuresBeforeDelay = 1_000_000;
                }));
            for (var i = 0; i < 3; i++)
            {
                await server.AppendAsync("alice@example.test", SeedTranscripts.StoredMessage);
            }

            var before = ProcessMemory.Measure();
            FuzzTarget[] targets =
            [
                new("smtp", server.Smtp, SeedTranscripts.Smtp),
                new("submission", server.Submission, SeedTranscripts.Submission),
                new("lmtp", server.Lmtp, SeedTranscripts.Lmtp),
                new("pop3", server.Pop3, SeedTranscripts.Pop3),
                new("imap", server.Imap, SeedTranscripts.ImapAnonymous),
                new("imap after login", server.Imap, SeedTranscripts.ImapAuthenticated, "LOGIN alice@example.test alice-pw"),
            ];

            var findings = new ConcurrentQueue<string>();
            for (var t = 0; t < targets.Length; t++)
            {
                var target = targets[t];
                var clock = Stopwatch.StartNew();
                var sessions = 0;
                await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, SessionsPerListener), new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (n, _) =>
                {
                    if (clock.Elapsed > BudgetPerListener)
                    {
                        return;
                    }

                    Interlocked.Increment(ref sessions);
                    var seed = Seed + (t * 1_000_000) + n;
                    if (await FuzzSession.RunAsync(target, seed, Patience) is { } problem)
                    {
                        findings.Enqueue($"{target.Name}, seed {seed}: {problem}");
                    }
                });
                output.WriteLine($"{target.Name}: {sessions} fuzzed sessions in {clock.Elapsed.TotalSeconds:F1} s");
            }

            Assert.True(findings.IsEmpty, string.Join("\n\n", findings.Take(5)));
            Assert.True(log.Failures.Count == 0, string.Join("\n\n", log.Failures.Take(5)));

            var after = ProcessMemory.Measure();
            output.WriteLine($"before the fuzz run: {before}; after: {after}");
            Assert.True(after.ManagedBytes - before.ManagedBytes < HeapGrowthBound, $"the managed heap grew from {before} to {after}");

            await RealClientsAreServedAsync(server);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.True(unobserved.IsEmpty, string.Join("\n\n", unobserved.Take(5)));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    private static async Task RealClientsAreServedAsync(TestMailServer server)
    {
        var subject = "after the fuzz " + Guid.NewGuid().ToString("N");
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync(server.Smtp.Address.ToString(), server.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
            await smtp.SendAsync(Compose(subject + " (smtp)"));
            await smtp.DisconnectAsync(quit: true);
        }

        using (var submission = new SmtpClient())
        {
            await submission.ConnectAsync(server.Submission.Address.ToString(), server.Submission.Port, MailKit.Security.SecureSocketOptions.None);
            await submission.AuthenticateAsync("alice@example.test", "alice-pw");
            await submission.SendAsync(Compose(subject + " (submission)"));
            await submission.DisconnectAsync(quit: true);
        }

        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync(server.Imap.Address.ToString(), server.Imap.Port, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync("bob@example.test", "bob-pw");
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var found = await imap.Inbox.SearchAsync(MailKit.Search.SearchQuery.SubjectContains(subject));
            Assert.Equal(2, found.Count);
            await imap.DisconnectAsync(quit: true);
        }

        using var pop3 = new Pop3Client();
        await pop3.ConnectAsync(server.Pop3.Address.ToString(), server.Pop3.Port, MailKit.Security.SecureSocketOptions.None);
        await pop3.AuthenticateAsync("bob@example.test", "bob-pw");
        var headers = await pop3.GetMessageHeadersAsync(Enumerable.Range(0, pop3.Count).ToList());
        Assert.Equal(2, headers.Count(h => h[HeaderId.Subject]?.Contains(subject, StringComparison.Ordinal) == true));
        await pop3.DisconnectAsync(quit: true);
    }

    private static MimeMessage Compose(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.test"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.test"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Served after the fuzz run." };
        return message;
    }
}
