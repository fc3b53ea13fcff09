using System.Net;
using System.Text;
using System.Xml.Linq;

namespace MailKitServer.Web.Tests;

public class AutoconfigTests
{
    [Fact]
    public async Task Thunderbird_autoconfig_names_the_bound_ports_with_their_tls()
    {
        await using var server = await WebTestServer.StartAsync();
        foreach (var path in new[] { "/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml?emailaddress=alice%40example.test" })
        {
            var xml = XDocument.Parse(await server.Http.GetStringAsync(path));
            var provider = xml.Root!.Element("emailProvider")!;
            Assert.Equal("1.1", xml.Root.Attribute("version")!.Value);
            var servers = provider.Elements().Where(e => e.Name.LocalName is "incomingServer" or "outgoingServer")
                .Select(e => (Type: e.Attribute("type")!.Value, Port: int.Parse(e.Element("port")!.Value, System.Globalization.CultureInfo.InvariantCulture), Socket: e.Element("socketType")!.Value, Host: e.Element("hostname")!.Value))
                .ToList();
            Assert.Contains(("imap", server.Mail.Imaps.Port, "SSL", "mx.example.test"), servers);
            Assert.Contains(("imap", server.Mail.Imap.Port, "STARTTLS", "mx.example.test"), servers);
            Assert.Contains(("pop3", server.Mail.Pop3s.Port, "SSL", "mx.example.test"), servers);
            Assert.Contains(("smtp", server.Mail.Smtps.Port, "SSL", "mx.example.test"), servers);
            Assert.Contains(("smtp", server.Mail.Submission.Port, "STARTTLS", "mx.example.test"), servers);
            // Port 25 (MTA) and LMTP are not for mail clients.
            Assert.DoesNotContain(servers, s => s.Port == server.Mail.Smtp.Port || s.Port == server.Mail.Lmtp.Port);
            Assert.All(provider.Elements("incomingServer").Concat(provider.Elements("outgoingServer")), e => Assert.Equal("%EMAILADDRESS%", e.Element("username")!.Value));
        }

        var forDomain = XDocument.Parse(await server.Http.GetStringAsync("/mail/config-v1.1.xml?emailaddress=someone%40other.test"));
        Assert.Equal("other.test", forDomain.Root!.Element("emailProvider")!.Element("domain")!.Value);
    }

    [Fact]
    public async Task Autodiscover_pox_answers_with_the_outlook_schema_and_refuses_dtds()
    {
        await using var server = await WebTestServer.StartAsync();
        const string request = """
            <?xml version="1.0" encoding="utf-8"?>
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
              <Request>
                <EMailAddress>alice@example.test</EMailAddress>
                <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
              </Request>
            </Autodiscover>
            """;
        using var response = await server.Http.PostAsync("/autodiscover/autodiscover.xml", new StringContent(request, Encoding.UTF8, "text/xml"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace a = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
        var protocols = xml.Descendants(a + "Protocol").Select(p => (Type: p.Element(a + "Type")!.Value, Port: p.Element(a + "Port")!.Value, Encryption: p.Element(a + "Encryption")!.Value, Login: p.Element(a + "LoginName")!.Value)).ToList();
        Assert.Contains(("IMAP", server.Mail.Imaps.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "SSL", "alice@example.test"), protocols);
        Assert.Contains(("SMTP", server.Mail.Submission.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "TLS", "alice@example.test"), protocols);
        Assert.Equal("email", xml.Descendants(a + "AccountType").Single().Value);

        // A DTD (entity expansion, external entities) is refused, not processed; so is a request without an address.
        const string xxe = """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>""";
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Http.PostAsync("/autodiscover/autodiscover.xml", new StringContent(xxe, Encoding.UTF8, "text/xml"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Http.PostAsync("/autodiscover/autodiscover.xml", new StringContent("<Autodiscover/>", Encoding.UTF8, "text/xml"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Http.PostAsync("/autodiscover/autodiscover.xml", new StringContent(new string('x', 20000), Encoding.UTF8, "text/xml"))).StatusCode);
    }
}
