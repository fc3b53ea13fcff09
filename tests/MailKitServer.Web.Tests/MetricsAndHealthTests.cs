using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKitServer.TestSupport;

namespace MailKitServer.Web.Tests;

public class MetricsAndHealthTests
{
    [Fact]
    public async Task Metrics_parse_with_prometheus_client_and_count_this_servers_traffic()
    {
        await using var server = await WebTestServer.StartAsync();
        // A second server in the same process: its traffic must not show in the first one's numbers.
        await using var other = await WebTestServer.StartAsync();
        await other.SendAsync(WebTestServer.Message("elsewhere"));
        await server.SendAsync(WebTestServer.Message("one"));
        await server.SendAsync(WebTestServer.Message("two", to: "bob@example.test"));

        var text = await server.Http.GetStringAsync("/metrics");
        var path = Path.Combine(Path.GetTempPath(), $"mks-metrics-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, text);
        try
        {
            // prometheus_client's own parser (Debian python3-prometheus-client): every family, its type and samples as JSON.
            // /usr/bin/python3: Debian's interpreter, where the Debian module is (a python3 earlier on PATH may not have it).
            var parsed = await ExternalTool.RunAsync("/usr/bin/python3", ["-c", """
                import json, sys
                from prometheus_client.parser import text_string_to_metric_families
                out = {}
                for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                    out[family.name] = {"type": family.type, "samples": [[s.name, s.labels, s.value] for s in family.samples]}
                print(json.dumps(out))
                """, path]);
            Assert.True(parsed.ExitCode == 0, parsed.ToString());
            var families = JsonDocument.Parse(parsed.Stdout).RootElement;
            double Sum(string family, string sample) => families.GetProperty(family).GetProperty("samples").EnumerateArray()
                .Where(s => s[0].GetString() == sample).Sum(s => s[2].GetDouble());

            // The parser strips _total from counter family names.
            Assert.Equal("counter", families.GetProperty("mailkitserver_messages_received").GetProperty("type").GetString());
            Assert.Equal(2, Sum("mailkitserver_messages_received", "mailkitserver_messages_received_total"));
            Assert.Equal(2, Sum("mailkitserver_connections", "mailkitserver_connections_total"));
            Assert.True(Sum("mailkitserver_messages_bytes", "mailkitserver_messages_bytes_total") > 200);
            Assert.True(Sum("mailkitserver_commands", "mailkitserver_commands_total") >= 10);
            Assert.Equal("gauge", families.GetProperty("mailkitserver_connections_active").GetProperty("type").GetString());
            Assert.Contains(families.GetProperty("mailkitserver_connections").GetProperty("samples").EnumerateArray(), s => s[1].GetProperty("listener").GetString() == "smtp");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Livez_and_readyz_answer_and_readyz_fails_once_the_mail_server_stops()
    {
        await using var server = await WebTestServer.StartAsync();
        using (var live = await server.Http.GetAsync("/livez"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var ready = await server.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("ready", (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        await server.Mail.Server.StopAsync();
        using var stopped = await server.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
        Assert.Equal("not accepting", (await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("listeners").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/livez")).StatusCode);
    }
}
