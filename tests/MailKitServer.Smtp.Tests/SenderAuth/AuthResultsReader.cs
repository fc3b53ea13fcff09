using System.Text;
using System.Text.Json;
using MailKitServer.TestSupport;

namespace MailKitServer.Smtp.Tests.SenderAuth;

/// <summary>
/// Reads the Authentication-Results fields of a stored message with an independent RFC 8601 parser, Debian's
/// python3-authres: what it cannot parse fails the test. Returns, per field, the authserv-id and each method's result
/// with its properties.
/// </summary>
internal static class AuthResultsReader
{
    private const string Script = """
        import sys, json, email, email.policy, authres
        msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.compat32)
        fields = []
        for value in msg.get_all("Authentication-Results") or []:
            parsed = authres.AuthenticationResultsHeader.parse_value(" ".join(value.split()))
            fields.append({"authserv_id": parsed.authserv_id, "results": [
                {"method": r.method, "result": r.result, "props": {p.type + "." + p.name: p.value for p in r.properties}}
                for r in parsed.results]})
        print(json.dumps({"fields": fields, "first": list(msg.keys())[:5]}))
        """;

    public sealed record Method(string Name, string Result, Dictionary<string, string> Props);

    public sealed record Field(string AuthServId, List<Method> Results);

    public sealed record Parsed(List<Field> Fields, List<string> FirstFieldNames);

    public static async Task<Parsed> ReadAsync(byte[] message)
    {
        var run = await ExternalTool.RunAsync("/usr/bin/python3", ["-c", Script], stdin: Encoding.Latin1.GetString(message));
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Stdout);
        var fields = doc.RootElement.GetProperty("fields").EnumerateArray().Select(f => new Field(
            f.GetProperty("authserv_id").GetString()!,
            f.GetProperty("results").EnumerateArray().Select(r => new Method(
                r.GetProperty("method").GetString()!,
                r.GetProperty("result").GetString()!,
                r.GetProperty("props").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty))).ToList())).ToList();
        return new Parsed(fields, doc.RootElement.GetProperty("first").EnumerateArray().Select(e => e.GetString()!).ToList());
    }
}
