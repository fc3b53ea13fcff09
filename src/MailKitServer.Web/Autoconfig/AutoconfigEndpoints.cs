using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using MailKitServer.Addresses;
using MailKitServer.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailKitServer.Web.Autoconfig;

/// <summary>
/// Client autoconfiguration: Thunderbird's autoconfig document (<c>/.well-known/autoconfig/mail/config-v1.1.xml</c> and
/// <c>/mail/config-v1.1.xml?emailaddress=</c>, the Mozilla ISPDB format) and Microsoft's Autodiscover POX
/// (<c>POST /autodiscover/autodiscover.xml</c>, the Outlook 2006a response schema). Both come from the listeners
/// actually bound. They hold no secret, so they need no credentials (clients fetch them before they have any).
/// </summary>
internal static class AutoconfigEndpoints
{
    /// <summary>The largest Autodiscover request read (it holds one e-mail address).</summary>
    private const int MaxRequestLength = 16 * 1024;

    private static readonly XNamespace ResponseSchema = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    private static readonly XNamespace OutlookSchema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    public static void Map(IEndpointRouteBuilder endpoints, MailCatalog catalog, MailWebOptions options)
    {
        IResult Thunderbird(string? emailaddress)
        {
            var domain = emailaddress is not null && MailAddress.TryParse(emailaddress, allowUtf8: true, out var address) ? address.Domain : catalog.Server.Context.Options.ServerName;
            return Xml(ThunderbirdConfig(catalog, options, domain));
        }

        endpoints.MapGet("/.well-known/autoconfig/mail/config-v1.1.xml", (string? emailaddress) => Thunderbird(emailaddress)).WithTags("Autoconfig").WithSummary("Thunderbird autoconfig (ISPDB format).");
        endpoints.MapGet("/mail/config-v1.1.xml", (string? emailaddress) => Thunderbird(emailaddress)).WithTags("Autoconfig").WithSummary("Thunderbird autoconfig on the mail host (ISPDB format).");

        async Task<IResult> Autodiscover(HttpRequest request)
        {
            var email = await ReadAutodiscoverAddressAsync(request);
            return email is null ? Results.BadRequest() : Xml(AutodiscoverResponse(catalog, options, email));
        }

        endpoints.MapPost("/autodiscover/autodiscover.xml", Autodiscover).WithTags("Autoconfig").WithSummary("Autodiscover POX (Outlook response schema 2006a).");
    }

    internal static XDocument ThunderbirdConfig(MailCatalog catalog, MailWebOptions options, string domain)
    {
        var host = options.MailHostName ?? catalog.Server.Context.Options.ServerName;
        var provider = new XElement("emailProvider", new XAttribute("id", domain),
            new XElement("domain", domain),
            new XElement("displayName", $"{domain} mail"),
            new XElement("displayShortName", domain));
        foreach (var endpoint in ClientSettings.Endpoints(catalog.Server))
        {
            provider.Add(new XElement(endpoint.Protocol == "smtp" ? "outgoingServer" : "incomingServer", new XAttribute("type", endpoint.Protocol),
                new XElement("hostname", host),
                new XElement("port", endpoint.Port.ToString(CultureInfo.InvariantCulture)),
                new XElement("socketType", endpoint.ImplicitTls ? "SSL" : "STARTTLS"),
                new XElement("authentication", "password-cleartext"),
                new XElement("username", "%EMAILADDRESS%")));
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("clientConfig", new XAttribute("version", "1.1"), provider));
    }

    internal static XDocument AutodiscoverResponse(MailCatalog catalog, MailWebOptions options, string email)
    {
        var host = options.MailHostName ?? catalog.Server.Context.Options.ServerName;
        var account = new XElement(OutlookSchema + "Account",
            new XElement(OutlookSchema + "AccountType", "email"),
            new XElement(OutlookSchema + "Action", "settings"));
        foreach (var endpoint in ClientSettings.Endpoints(catalog.Server))
        {
            account.Add(new XElement(OutlookSchema + "Protocol",
                new XElement(OutlookSchema + "Type", endpoint.Protocol.ToUpperInvariant() switch { "POP3" => "POP3", "IMAP" => "IMAP", _ => "SMTP" }),
                new XElement(OutlookSchema + "Server", host),
                new XElement(OutlookSchema + "Port", endpoint.Port.ToString(CultureInfo.InvariantCulture)),
                new XElement(OutlookSchema + "LoginName", email),
                new XElement(OutlookSchema + "DomainRequired", "off"),
                new XElement(OutlookSchema + "SPA", "off"),
                new XElement(OutlookSchema + "Encryption", endpoint.ImplicitTls ? "SSL" : "TLS"),
                new XElement(OutlookSchema + "AuthRequired", "on")));
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(ResponseSchema + "Autodiscover", new XElement(OutlookSchema + "Response", account)));
    }

    /// <summary>
    /// Reads the EMailAddress of an Autodiscover request: at most <see cref="MaxRequestLength"/> octets, no DTD (no
    /// entity expansion, no external entities), or <see langword="null"/> when it is not there or not an address.
    /// </summary>
    internal static async Task<string?> ReadAutodiscoverAddressAsync(HttpRequest request)
    {
        var buffer = new byte[MaxRequestLength + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), request.HttpContext.RequestAborted)) > 0)
        {
            read += n;
        }

        if (read > MaxRequestLength)
        {
            return null;
        }

        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxRequestLength };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(buffer, 0, read), settings);
            var document = XDocument.Load(reader);
            var email = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "EMailAddress")?.Value.Trim();
            return email is not null && MailAddress.TryParse(email, allowUtf8: true, out var address) ? address.Address : null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static IResult Xml(XDocument document)
    {
        using var writer = new Utf8StringWriter();
        document.Save(writer);
        return Results.Content(writer.ToString(), "application/xml; charset=utf-8");
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter()
            : base(CultureInfo.InvariantCulture)
        {
        }

        public override Encoding Encoding => Encoding.UTF8;
    }
}
