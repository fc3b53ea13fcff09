using System.Globalization;
using System.Text;
using MailKitServer.Sieve.Grammar;

namespace MailKitServer.Sieve.Execution;

/// <summary>Variables (RFC 5229) and IMAP flags (RFC 5232).</summary>
internal sealed partial class SieveInterpreter
{
    /// <summary>Expands <c>${name}</c> and <c>${N}</c> in a string when the script requires "variables" (RFC 5229 §3).</summary>
    private string Expand(string text)
    {
        if (!_frame.Script.Has("variables") || !text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var max = _env.Limits.MaxVariableLength * 4;
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("${", i, StringComparison.Ordinal);
            if (start < 0)
            {
                sb.Append(text, i, text.Length - i);
                break;
            }

            sb.Append(text, i, start - i);
            var end = text.IndexOf('}', start + 2);
            var name = end < 0 ? null : text[(start + 2)..end];
            if (name is null || !IsReference(name))
            {
                sb.Append("${");
                i = start + 2;
                continue;
            }

            sb.Append(Lookup(name));
            i = end + 1;
            if (sb.Length > max)
            {
                break;
            }
        }

        return sb.Length > max ? sb.ToString(0, max) : sb.ToString();
    }

    private static bool IsReference(string name) =>
        name.Length > 0 && (name.All(char.IsAsciiDigit) || ((char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')));

    private string Lookup(string name)
    {
        if (char.IsAsciiDigit(name[0]))
        {
            // RFC 5229 §3.2: ${0} is the whole match, ${1}… the wildcards; an unset one is empty.
            return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < _matchVariables.Count ? _matchVariables[n] : string.Empty;
        }

        return Variables(name).TryGetValue(name, out var value) ? value : string.Empty;
    }

    private Dictionary<string, string> Variables(string name) => _frame.GlobalNames.Contains(name) ? _globals : _frame.Locals;

    private void SetVariable(SieveNode command, string name, string value)
    {
        var variables = Variables(name);
        if (!variables.ContainsKey(name) && ++_variables > _env.Limits.MaxVariables)
        {
            throw new SieveRuntimeException(command.Line, $"more than {_env.Limits.MaxVariables} variables");
        }

        // RFC 5229 §3: an implementation may bound a value's length; longer values are truncated.
        variables[name] = value.Length > _env.Limits.MaxVariableLength ? value[.._env.Limits.MaxVariableLength] : value;
    }

    private void Set(SieveNode command)
    {
        var value = Expand(String(command, 1));

        // RFC 5229 §4.1: modifiers apply by precedence: :lower/:upper, then :lowerfirst/:upperfirst, :quotewildcard, :length.
        if (command.Tags.ContainsKey("lower"))
        {
            value = value.ToLowerInvariant();
        }
        else if (command.Tags.ContainsKey("upper"))
        {
            value = value.ToUpperInvariant();
        }

        if (value.Length > 0 && command.Tags.ContainsKey("lowerfirst"))
        {
            value = char.ToLowerInvariant(value[0]) + value[1..];
        }
        else if (value.Length > 0 && command.Tags.ContainsKey("upperfirst"))
        {
            value = char.ToUpperInvariant(value[0]) + value[1..];
        }

        if (command.Tags.ContainsKey("quotewildcard"))
        {
            value = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal).Replace("?", "\\?", StringComparison.Ordinal);
        }

        if (command.Tags.ContainsKey("length"))
        {
            value = new StringInfo(value).LengthInTextElements.ToString(CultureInfo.InvariantCulture);
        }

        SetVariable(command, String(command, 0), value);
    }

    /// <summary>Splits flag strings on spaces into distinct flags (RFC 5232 §3).</summary>
    private static List<string> ParseFlags(IEnumerable<string> strings)
    {
        var flags = new List<string>();
        foreach (var s in strings)
        {
            foreach (var flag in s.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!flags.Contains(flag, StringComparer.OrdinalIgnoreCase))
                {
                    flags.Add(flag);
                }
            }
        }

        return flags;
    }

    private void ChangeFlags(SieveNode command)
    {
        var change = ParseFlags(command.Positional[1].Strings!.Select(Expand));
        var variable = command.Positional[0]?.Strings![0];
        var current = variable is null ? [.. _flags] : ParseFlags([Lookup(variable)]);
        var result = command.Name switch
        {
            "setflag" => change,
            "addflag" => ParseFlags(current.Concat(change)),
            _ => current.Where(f => !change.Contains(f, StringComparer.OrdinalIgnoreCase)).ToList(),
        };
        if (variable is null)
        {
            _flags.Clear();
            _flags.AddRange(result);
        }
        else
        {
            SetVariable(command, variable, string.Join(' ', result));
        }
    }
}
