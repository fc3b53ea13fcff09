using MailKitServer.Imap;
using MailKitServer.Runtime;
using MailKitServer.Smtp;

namespace CustomStore;

/// <summary>Plugs the custom store and directory into a server with SMTP and IMAP.</summary>
public static class CustomStoreServer
{
    public static Task<MailServer> StartAsync(int smtpPort, int imapPort) =>
        MailServer.CreateBuilder()
            .UseStore(new InboxOnlyStore())
            .UseDirectory(new SingleDomainDirectory("custom.test", new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ann@custom.test"] = "ann-pw" }))
            .Configure(o => o.AllowInsecureAuthentication = true)
            .AddSmtp(smtpPort)
            .AddImap(imapPort)
            .StartAsync();
}
