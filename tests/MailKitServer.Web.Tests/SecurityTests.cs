using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MailKitServer.Web.Security;
using Microsoft.AspNetCore.Http;

namespace MailKitServer.Web.Tests;

public class SecurityTests
{
    [Fact]
    public async Task Every_response_carries_nosniff_referrer_policy_and_a_csp()
    {
        await using var server = await WebTestServer.StartAsync();
        foreach (var path in new[] { "/", "/ui/app.js", "/api/v1/messages", "/metrics", "/livez", "/openapi/v1.json", "/.well-known/autoconfig/mail/config-v1.1.xml" })
        {
            using var response = await server.Http.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, path);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_credentials_required_the_api_needs_them_but_probes_and_autoconfig_do_not()
    {
        await using var server = await WebTestServer.StartAsync(new MailWebOptions { UserName = "admin", Password = "s3cret", RequireAuthenticationOnLoopback = true });
        using (var anonymous = await server.Http.GetAsync("/api/v1/messages"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.DeleteAsync("/api/v1/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/livez")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/mail/config-v1.1.xml")).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/messages");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/api/v1/messages");
        right.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:s3cret")));
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(right)).StatusCode);
    }

    [Fact]
    public async Task A_directory_user_with_the_admin_role_signs_in_with_their_own_password_and_others_do_not()
    {
        await using var server = await WebTestServer.StartAsync(new MailWebOptions { Administrators = ["ALICE@example.test"], RequireAuthenticationOnLoopback = true });
        async Task<HttpStatusCode> AsAsync(string credentials)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/messages");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
            using var response = await server.Http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await AsAsync("alice@example.test:alice-pw"));
        Assert.Equal(HttpStatusCode.Unauthorized, await AsAsync("alice@example.test:wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, await AsAsync("bob@example.test:bob-pw"));
        Assert.Equal(HttpStatusCode.Unauthorized, await AsAsync("nobody@example.test:x"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync("/api/v1/messages")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", false, null, false)]
    [InlineData("::1", false, null, false)]
    [InlineData("192.0.2.10", false, null, true)]
    [InlineData("192.0.2.10", true, null, true)]
    [InlineData("192.0.2.10", true, "admin:s3cret", false)]
    [InlineData("10.1.2.3", true, "admin:wrong", true)]
    [InlineData("10.1.2.3", true, "Zm9v", true)]
    public async Task Off_loopback_every_request_needs_the_credentials_and_none_configured_means_refused(string local, bool configured, string? credentials, bool refused)
    {
        var options = configured ? new MailWebOptions { UserName = "admin", Password = "s3cret" } : new MailWebOptions();
        var filter = new WebSecurityFilter(options, authenticate: true);
        var http = new DefaultHttpContext();
        http.Connection.LocalIpAddress = IPAddress.Parse(local);
        http.Request.Method = "GET";
        if (credentials is not null)
        {
            http.Request.Headers.Authorization = "Basic " + (credentials.Contains(':', StringComparison.Ordinal) ? Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)) : credentials);
        }

        var reached = false;
        var result = await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(http), _ =>
        {
            reached = true;
            return ValueTask.FromResult<object?>("ok");
        });
        Assert.Equal(refused, !reached);
        if (refused)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, ((Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult)result!).StatusCode);
        }
    }

    [Fact]
    public async Task Cross_site_state_changes_are_refused_and_same_origin_ones_pass()
    {
        await using var server = await WebTestServer.StartAsync();
        await server.SendAsync(WebTestServer.Message("keep me"));
        using (var forged = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/messages"))
        {
            forged.Headers.Add("Origin", "http://evil.test");
            Assert.Equal(HttpStatusCode.Forbidden, (await server.Http.SendAsync(forged)).StatusCode);
        }

        using (var marked = new HttpRequestMessage(HttpMethod.Post, "/api/v1/send"))
        {
            marked.Headers.Add("Sec-Fetch-Site", "cross-site");
            marked.Content = new StringContent("""{"from":"a@b.test","to":["alice@example.test"]}""", Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.Forbidden, (await server.Http.SendAsync(marked)).StatusCode);
        }

        // A sandboxed frame's requests say Origin: null: refused too.
        using (var sandboxed = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/messages"))
        {
            sandboxed.Headers.Add("Origin", "null");
            Assert.Equal(HttpStatusCode.Forbidden, (await server.Http.SendAsync(sandboxed)).StatusCode);
        }

        Assert.Single(await server.Mail.InboxAsync("alice@example.test"));
        using var same = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/messages");
        same.Headers.Add("Origin", server.Web.BaseAddress.GetLeftPart(UriPartial.Authority));
        same.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(same)).StatusCode);
        Assert.Empty(await server.Mail.InboxAsync("alice@example.test"));
    }

    [Fact]
    public async Task Html_that_tries_to_break_out_gets_a_policy_that_runs_nothing_and_attachments_never_render_inline()
    {
        await using var server = await WebTestServer.StartAsync();
        var html = """<html><head><base href="http://evil.test/"><meta http-equiv="refresh" content="0;url=http://evil.test/"></head><body onload="top.location='http://evil.test'"><script>parent.document.body.innerHTML='owned'</script><img src="http://evil.test/track.gif"><form action="http://evil.test"><input></form></body></html>""";
        var message = WebTestServer.Message("breakout", html: html);
        var builder = new MimeKit.BodyBuilder { HtmlBody = html };
        builder.Attachments.Add("page.html", Encoding.UTF8.GetBytes("<script>alert(1)</script>"), new MimeKit.ContentType("text", "html"));
        builder.Attachments.Add("image.svg", Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"), new MimeKit.ContentType("image", "svg+xml"));
        message.Body = builder.ToMessageBody();
        await server.SendAsync(message);
        var page = await server.Http.GetStringAsync("/api/v1/messages");
        var id = System.Text.Json.JsonDocument.Parse(page).RootElement.GetProperty("messages")[0].GetProperty("id").GetString()!;

        using var response = await server.Http.GetAsync($"/api/v1/messages/{id}/html");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("sandbox", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("base-uri 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("form-action 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.test", csp, StringComparison.Ordinal);

        // Attachments (HTML, SVG) are downloads, never content of our origin.
        for (var part = 1; part <= 2; part++)
        {
            using var download = await server.Http.GetAsync($"/api/v1/messages/{id}/parts/{part}");
            Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        }
    }
}
