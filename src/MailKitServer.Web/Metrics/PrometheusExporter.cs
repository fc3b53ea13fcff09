using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace MailKitServer.Web.Metrics;

/// <summary>
/// The server's <see cref="System.Diagnostics.Metrics"/> instruments in the Prometheus text exposition format (0.0.4).
/// Our own small exporter rather than OpenTelemetry.Exporter.Prometheus.AspNetCore: that package is only served as a
/// pre-release (1.20.1-beta.1), which a stable package may not depend on (NuGet NU5104), and it would also pull the
/// whole OpenTelemetry SDK into every host. This one listens to one server's meter only (several servers in one
/// process each keep their own numbers), sums counters and up-down counters per tag set, and reads observable gauges
/// when scraped. Counts start when the exporter is created (when the API is mapped).
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();

    public PrometheusExporter(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument, _series.GetOrAdd(instrument, i => new Series(i)));
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, state) => ((Series)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Writes every series in the text format.</summary>
    public string Scrape()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var series in _series.Values.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal))
        {
            series.WriteTo(text);
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>One instrument's values, per tag set.</summary>
    private sealed class Series(Instrument instrument)
    {
        private readonly ConcurrentDictionary<string, double> _values = new(StringComparer.Ordinal);

        public Instrument Instrument => instrument;

        private bool IsCounter => instrument is Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double>;

        private bool IsObservable => instrument.IsObservable;

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = Labels(tags);
            if (IsObservable)
            {
                _values[labels] = value;
            }
            else
            {
                _values.AddOrUpdate(labels, value, (_, old) => old + value);
            }
        }

        public void WriteTo(StringBuilder text)
        {
            var name = MetricName(instrument.Name) + (IsCounter ? "_total" : string.Empty);
            if (instrument.Description is { Length: > 0 } help)
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            }

            text.Append("# TYPE ").Append(name).Append(' ').Append(IsCounter ? "counter" : "gauge").Append('\n');
            if (_values.IsEmpty && !IsObservable)
            {
                // A counter nothing has counted yet is 0, not absent: alerts and rate() see it from the start.
                text.Append(name).Append(" 0\n");
            }

            foreach (var (labels, value) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty)
            {
                return string.Empty;
            }

            var pairs = new List<(string Name, string Value)>(tags.Length);
            foreach (var tag in tags)
            {
                pairs.Add((MetricName(tag.Key), Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty));
            }

            var text = new StringBuilder("{");
            foreach (var (key, value) in pairs.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                if (text.Length > 1)
                {
                    text.Append(',');
                }

                text.Append(key).Append("=\"").Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
            }

            return text.Append('}').ToString();
        }

        /// <summary>A metric or label name: [a-zA-Z_][a-zA-Z0-9_]*, every other character an underscore.</summary>
        private static string MetricName(string name)
        {
            var chars = name.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] == '_') || (i == 0 && char.IsAsciiDigit(chars[i])))
                {
                    chars[i] = '_';
                }
            }

            return new string(chars);
        }
    }
}
