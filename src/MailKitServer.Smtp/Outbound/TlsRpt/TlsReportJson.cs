using System.Globalization;
using System.Text.Json;

namespace MailKitServer.Smtp.Outbound.TlsRpt;

/// <summary>Writes one policy domain's report of one day as the JSON RFC 8460 §4.4 defines.</summary>
internal static class TlsReportJson
{
    /// <param name="organization">"organization-name": who sends the report.</param>
    /// <param name="contact">"contact-info": an address to ask about it.</param>
    /// <param name="reportId">"report-id": unique per report.</param>
    /// <param name="domain">The policy domain.</param>
    /// <param name="day">The UTC day the report covers.</param>
    /// <param name="policies">The day's sessions per policy.</param>
    public static byte[] Write(string organization, string contact, string reportId, string domain, DateOnly day, IReadOnlyList<TlsPolicyCounts> policies)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("organization-name", organization);
            json.WriteStartObject("date-range");
            var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            json.WriteString("start-datetime", start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("end-datetime", start.AddDays(1).AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteString("contact-info", contact);
            json.WriteString("report-id", reportId);
            json.WriteStartArray("policies");
            foreach (var counts in policies)
            {
                json.WriteStartObject();
                json.WriteStartObject("policy");
                json.WriteString("policy-type", counts.Policy.Type);
                WriteStrings(json, "policy-string", counts.Policy.Strings);
                json.WriteString("policy-domain", domain);
                WriteStrings(json, "mx-host", counts.Policy.MxHosts);
                json.WriteEndObject();
                json.WriteStartObject("summary");
                json.WriteNumber("total-successful-session-count", counts.Successes);
                json.WriteNumber("total-failure-session-count", counts.Failures);
                json.WriteEndObject();
                if (counts.Details.Count > 0)
                {
                    json.WriteStartArray("failure-details");
                    foreach (var ((type, host, address), (count, detail)) in counts.Details.OrderByDescending(d => d.Value.Count))
                    {
                        json.WriteStartObject();
                        json.WriteString("result-type", type);
                        WriteOptional(json, "receiving-mx-hostname", host);
                        WriteOptional(json, "receiving-ip", address);
                        json.WriteNumber("failed-session-count", count);
                        WriteOptional(json, "failure-reason-code", detail);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
