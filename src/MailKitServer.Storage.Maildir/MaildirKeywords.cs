using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// The keywords of one folder that ride in its file names, the way Dovecot keeps them: the folder's
/// <c>dovecot-keywords</c> file lists <c>index name</c> lines, and the letter <c>'a' + index</c> in a file's info part
/// (<c>:2,Fab</c>) says the message has that keyword. So a keyword is durable as soon as the file is renamed, and
/// Dovecot, serving the same Maildir, shows it. There are 26 letters; further keywords live in the index only.
/// </summary>
internal sealed class MaildirKeywords(string folderPath)
{
    /// <summary>The file's name, as Dovecot names it.</summary>
    public const string FileName = "dovecot-keywords";
    private const int Letters = 26;
    private readonly string?[] _names = new string?[Letters];
    private DateTime _stamp;

    private string FilePath => Path.Combine(folderPath, FileName);

    /// <summary>Re-reads the list when the file changed since it was last read (another program may add keywords).</summary>
    public void Refresh()
    {
        var stamp = File.Exists(FilePath) ? File.GetLastWriteTimeUtc(FilePath) : default;
        if (stamp == _stamp)
        {
            return;
        }

        Array.Clear(_names);
        if (stamp != default)
        {
            foreach (var line in File.ReadAllLines(FilePath))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space > 0 && int.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < Letters && space + 1 < line.Length)
                {
                    _names[index] = line[(space + 1)..];
                }
            }
        }

        _stamp = stamp;
    }

    /// <summary>The keywords whose letters a file name carries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per file at a first sight: see MaildirFolder.Adoption.cs
    public IReadOnlyList<string> FromFileName(string fileName)
    {
        var letters = MaildirFileName.KeywordLetters(fileName);
        if (letters.Length == 0)
        {
            return [];
        }

        var keywords = new List<string>(letters.Length);
        foreach (var letter in letters)
        {
            if (_names[letter - 'a'] is { } name)
            {
                keywords.Add(name);
            }
        }

        return keywords;
    }

    /// <summary>
    /// The letters (in order) for the keywords that have one; a keyword not listed yet gets a free letter, and the list
    /// is saved durably before this returns, so a file named with the letter never outlives its meaning. The list is
    /// read again first if the file changed, unless <paramref name="refresh"/> is false (a STORE refreshes it once for
    /// all its messages: a look at the file per message was 20,000 stats for one command).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs per message in a STORE: see MaildirMailboxView.StoreFlags
    public string LettersFor(IEnumerable<string> keywords, bool refresh = true)
    {
        if (keywords is IReadOnlyCollection<string> { Count: 0 })
        {
            return string.Empty;
        }

        if (refresh)
        {
            Refresh();
        }

        var letters = new SortedSet<char>();
        var added = false;
        foreach (var keyword in keywords)
        {
            var index = Array.FindIndex(_names, n => string.Equals(n, keyword, StringComparison.OrdinalIgnoreCase));
            if (index < 0 && IsStorable(keyword))
            {
                index = Array.IndexOf(_names, null);
                if (index >= 0)
                {
                    _names[index] = keyword;
                    added = true;
                }
            }

            if (index >= 0)
            {
                letters.Add((char)('a' + index));
            }
        }

        if (added)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < Letters; i++)
            {
                if (_names[i] is { } name)
                {
                    sb.Append(i.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(name).Append('\n');
                }
            }

            MaildirFiles.WriteDurably(FilePath, sb.ToString());
            _stamp = File.GetLastWriteTimeUtc(FilePath);
        }

        return string.Concat(letters);
    }

    /// <summary>Whether a keyword has a letter.</summary>
    public bool HasLetter(string keyword) => Array.Exists(_names, n => string.Equals(n, keyword, StringComparison.OrdinalIgnoreCase));

    private static bool IsStorable(string keyword) => keyword.Length > 0 && !keyword.Any(c => c is '\n' or '\r' or ' ' or '\0');
}
