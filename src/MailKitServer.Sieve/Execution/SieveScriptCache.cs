using System.Collections.Concurrent;
using MailKitServer.Sieve.Compilation;
using MailKitServer.Sieve.Grammar;

namespace MailKitServer.Sieve.Execution;

/// <summary>
/// Compiled scripts by their text, so a script is compiled once however many messages it filters. Bounded: when
/// full it starts over (scripts are small and compile in microseconds; the bound only caps memory).
/// </summary>
internal sealed class SieveScriptCache
{
    private const int Capacity = 1024;
    private readonly ConcurrentDictionary<string, (SieveScript? Script, string? Error)> _entries = new(StringComparer.Ordinal);

    /// <summary>Compiles <paramref name="text"/>, or takes the earlier compilation.</summary>
    /// <param name="text">The script.</param>
    /// <returns>The script, or the compile error.</returns>
    public (SieveScript? Script, string? Error) Get(string text)
    {
        if (_entries.TryGetValue(text, out var entry))
        {
            return entry;
        }

        try
        {
            entry = (SieveCompiler.Compile(text), null);
        }
        catch (SieveSyntaxException ex)
        {
            entry = (null, ex.Message);
        }

        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        _entries[text] = entry;
        return entry;
    }
}
