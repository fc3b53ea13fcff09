using System.Globalization;
using MailKitServer.Sieve.Grammar;
using MailKitServer.Sieve.Matching;
using MimeKit;

namespace MailKitServer.Sieve.Execution;

/// <summary>The tests (RFC 5228 §5 and the extensions') and the match types they share.</summary>
internal sealed partial class SieveInterpreter
{
    private async ValueTask<bool> TestAsync(SieveNode test)
    {
        switch (test.Name)
        {
            case "true":
                return true;
            case "false":
                return false;
            case "not":
                return !await TestAsync(test.Tests[0]).ConfigureAwait(false);
            case "allof":
                foreach (var t in test.Tests)
                {
                    if (!await TestAsync(t).ConfigureAwait(false))
                    {
                        return false;
                    }
                }

                return true;
            case "anyof":
                foreach (var t in test.Tests)
                {
                    if (await TestAsync(t).ConfigureAwait(false))
                    {
                        return true;
                    }
                }

                return false;
            case "exists":
                return test.Positional[0].Strings!.All(name => _env.Message.HeaderValues(Expand(name)).Count > 0);
            case "size":
                var limit = test.Positional[0].Number!.Value;
                return test.Tags.ContainsKey("over") ? _env.Message.Size > limit : _env.Message.Size < limit;
            case "header":
                return Match(test, Indexed(test, Names(test, 0).SelectMany(_env.Message.HeaderValues).ToList()), Keys(test, 1));
            case "address":
                return Match(test, Indexed(test, Names(test, 0).SelectMany(name => _env.Message.HeaderValues(name)).ToList()).SelectMany(Addresses).Select(a => AddressParts.Get(a, AddressPart(test))).OfType<string>().ToList(), Keys(test, 1));
            case "envelope":
                return Match(test, Names(test, 0).Select(part => AddressParts.Get(part.Equals("from", StringComparison.OrdinalIgnoreCase) ? _env.EnvelopeFrom : _env.EnvelopeTo, AddressPart(test))).OfType<string>().ToList(), Keys(test, 1));
            case "body":
                var transform = test.Tags.ContainsKey("raw") ? "raw" : test.Tags.ContainsKey("content") ? "content" : "text";
                var types = test.Tags.TryGetValue("content", out var typeArgument) ? typeArgument!.Strings!.Select(Expand).ToList() : [];
                return Match(test, _env.Message.Body(transform, types), Keys(test, 0));
            case "date":
                return Match(test, Dates(test), Keys(test, 2));
            case "currentdate":
                return Match(test, [DateParts.Get(InZone(test, _env.Now), Expand(String(test, 0)).ToLowerInvariant())], Keys(test, 1));
            case "string":
                // RFC 5229 §5: empty source strings do not count for :count.
                var sources = test.Positional[0].Strings!.Select(Expand).ToList();
                return Match(test, test.Tags.ContainsKey("count") ? sources.Where(s => s.Length > 0).ToList() : sources, Keys(test, 1));
            case "hasflag":
                var flags = test.Positional[0] is { } variables ? ParseFlags(variables.Strings!.Select(Lookup)) : [.. _flags];
                return Match(test, flags, Keys(test, 1));
            case "mailboxexists":
                foreach (var mailbox in test.Positional[0].Strings!)
                {
                    if (!await _env.MailboxExists(Expand(mailbox), _cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }
                }

                return true;
            case "spamtest":
                return Match(test, [SpamScore.Read(_env.Message, test.Tags.ContainsKey("percent"))], [Expand(String(test, 0))]);
            case "virustest":
                // RFC 5235 §3.2: "0" means not tested; no virus scanner feeds this server.
                return Match(test, ["0"], [Expand(String(test, 0))]);
            default:
                throw new SieveRuntimeException(test.Line, $"test '{test.Name}' cannot run here");
        }
    }

    private IEnumerable<string> Names(SieveNode test, int position) => test.Positional[position].Strings!.Select(Expand);

    private List<string> Keys(SieveNode test, int position) => test.Positional[position].Strings!.Select(Expand).ToList();

    private static string AddressPart(SieveNode test) =>
        test.Tags.Keys.FirstOrDefault(k => k is "all" or "localpart" or "domain" or "user" or "detail") ?? "all";

    /// <summary>RFC 5260 §6: <c>:index N</c> keeps only the Nth value (from the end with <c>:last</c>).</summary>
    private static List<string> Indexed(SieveNode test, List<string> values)
    {
        if (!test.Tags.TryGetValue("index", out var index))
        {
            return values;
        }

        var n = index!.Number!.Value;
        if (n < 1 || n > values.Count)
        {
            return [];
        }

        return [values[test.Tags.ContainsKey("last") ? values.Count - (int)n : (int)n - 1]];
    }

    private static IEnumerable<string> Addresses(string value)
    {
        if (InternetAddressList.TryParse(value, out var list))
        {
            var found = false;
            foreach (var mailbox in list.Mailboxes)
            {
                found = true;
                yield return mailbox.Address;
            }

            if (found)
            {
                yield break;
            }
        }

        // Not an address list: compared whole (it matches no :localpart or :domain test that needs an '@').
        yield return value;
    }

    private List<string> Dates(SieveNode test)
    {
        var part = Expand(String(test, 1)).ToLowerInvariant();
        var values = new List<string>();
        foreach (var raw in Indexed(test, _env.Message.HeaderValues(Expand(String(test, 0)))))
        {
            // RFC 5260 §4: a date header's value is the RFC 5322 date-time (Received: the part after the last ';').
            var text = raw.LastIndexOf(';') is var semicolon and >= 0 ? raw[(semicolon + 1)..] : raw;
            if (MimeKit.Utils.DateUtils.TryParse(text.Trim(), out DateTimeOffset date))
            {
                values.Add(DateParts.Get(test.Tags.ContainsKey("originalzone") ? date : InZone(test, date), part));
            }
        }

        return values;
    }

    /// <summary>RFC 5260 §4.1: <c>:zone</c> converts to that zone; without it, the server's local zone.</summary>
    private DateTimeOffset InZone(SieveNode test, DateTimeOffset date)
    {
        if (TagString(test, "zone") is { } zone && DateParts.TryParseZone(Expand(zone), out var offset))
        {
            return date.ToOffset(offset);
        }

        return TimeZoneInfo.ConvertTime(date, TimeZoneInfo.Local);
    }

    /// <summary>Applies the test's comparator and match type (RFC 5228 §2.7, RFC 5231) to any value against any key.</summary>
    private bool Match(SieveNode test, IReadOnlyList<string> values, IReadOnlyList<string> keys)
    {
        var comparator = SieveComparator.ForName(TagString(test, "comparator"));
        if (test.Tags.TryGetValue("count", out var count))
        {
            // RFC 5231 §4.2: the number of values, compared with the comparator (i;ascii-numeric by intent).
            var relation = count!.Strings![0].ToLowerInvariant();
            var n = values.Count.ToString(CultureInfo.InvariantCulture);
            return keys.Any(k => Relate(comparator.Compare(n, k), relation));
        }

        if (test.Tags.TryGetValue("value", out var value))
        {
            var relation = value!.Strings![0].ToLowerInvariant();
            return values.Any(v => keys.Any(k => Relate(comparator.Compare(v, k), relation)));
        }

        var matches = test.Tags.ContainsKey("matches");
        var contains = test.Tags.ContainsKey("contains");
        var captures = matches && _frame.Script.Has("variables") ? new List<string>() : null;
        foreach (var v in values)
        {
            foreach (var k in keys)
            {
                if (matches ? GlobMatcher.Match(v, k, comparator, captures) : contains ? comparator.Contains(v, k) : comparator.Compare(v, k) == 0)
                {
                    if (captures is not null)
                    {
                        // RFC 5229 §3.2: a successful :matches sets the match variables.
                        _matchVariables = captures.Select(c => c.Length > _env.Limits.MaxVariableLength ? c[.._env.Limits.MaxVariableLength] : c).ToList();
                    }

                    return true;
                }
            }
        }

        return false;
    }

    private static bool Relate(int comparison, string relation) => relation switch
    {
        "gt" => comparison > 0,
        "ge" => comparison >= 0,
        "lt" => comparison < 0,
        "le" => comparison <= 0,
        "eq" => comparison == 0,
        _ => comparison != 0,
    };
}
