using System.Text;
using MailKitServer.Sieve.Scripts;
using MailKitServer.Storage;
using MailKitServer.Storage.Maildir;
using MailKitServer.TestSupport;

namespace MailKitServer.Sieve.Tests.Scripts;

/// <summary>
/// The Maildir script store keeps Dovecot Pigeonhole's layout in earnest: Dovecot's own LDA (Debian dovecot-sieve),
/// pointed at a user's folder of our store, runs the script our store made active and files the message into our
/// Maildir, where our message store reads it.
/// </summary>
public sealed class PigeonholeInteropTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-pigeonhole-").FullName;

    public void Dispose() => TempDirectories.Delete(_root);

    [Fact]
    public async Task Dovecots_LDA_runs_the_script_our_store_activated_and_our_store_reads_what_it_filed()
    {
        const string user = "alice@example.test";
        await using var store = new MaildirMessageStore(new MaildirStoreOptions { Root = _root });
        await store.DeliverAsync(new DeliveryRequest("", [new MailboxTarget(user)], DateTimeOffset.UtcNow), new MemoryStream("Subject: first\r\n\r\nx\r\n"u8.ToArray()), default);
        var scripts = new MaildirSieveScriptStore(_root);
        await scripts.PutAsync(user, "old", "require \"fileinto\";\r\nfileinto \"Wrong\";\r\n", default);
        await scripts.PutAsync(user, "rules", "require [\"fileinto\", \"mailbox\"];\r\nif header :contains \"subject\" \"invoice\" {\r\n  fileinto :create \"Invoices\";\r\n}\r\n", default);
        Assert.True(await scripts.SetActiveAsync(user, "rules", default));

        // Pigeonhole's default locations relative to the user's home, spelled out for our store's folder of the user.
        var home = Path.Combine(_root, user);
        await using var dovecot = await Dovecot.StartOnStoreAsync(_root, user, $$"""
            postmaster_address = postmaster@example.test
            protocol lda {
              mail_plugins = $mail_plugins sieve
            }
            plugin {
              sieve = file:{{home}}/sieve;active={{home}}/.dovecot.sieve
            }
            """);
        var lda = await ExternalTool.RunAsync(
            "/usr/lib/dovecot/dovecot-lda",
            ["-c", Path.Combine(dovecot.Root, "dovecot.conf"), "-d", "u", "-f", "carol@example.test"],
            stdin: "From: carol@example.test\r\nTo: alice@example.test\r\nSubject: Invoice 12\r\nMessage-ID: <inv12@example.test>\r\n\r\nPlease pay.\r\n",
            timeout: TimeSpan.FromSeconds(60));
        var log = Path.Combine(dovecot.Root, "dovecot.log");
        Assert.True(lda.ExitCode == 0, lda + (File.Exists(log) ? "\n--- dovecot.log ---\n" + await File.ReadAllTextAsync(log) : string.Empty));

        await using var account = await store.OpenAccountAsync(user, default);
        await using (var invoices = await account.OpenAsync("Invoices", readOnly: true, default))
        {
            Assert.NotNull(invoices);
            var message = Assert.Single(invoices.Messages);
            await using var content = await invoices.OpenContentAsync(message.Uid, 0, null, default);
            using var reader = new StreamReader(content!, Encoding.UTF8);
            Assert.Contains("Subject: Invoice 12", await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }

        await using (var inbox = await account.OpenAsync("INBOX", readOnly: true, default))
        {
            Assert.Single(inbox!.Messages);
        }

        // What Pigeonhole leaves beside the scripts (its compiled rules.svbin) is not taken for a script.
        Assert.Equal([new SieveScriptInfo("old", false), new SieveScriptInfo("rules", true)], await scripts.ListAsync(user, default));
    }
}
