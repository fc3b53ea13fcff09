using MailKitServer.Runtime;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// Two names in new/ and cur/ with one unique part. A unique part stands for one message, so the folder took one name
/// and the other stayed on disk unseen: a message no session could see, or one name too many for a file.
/// </summary>
/// <remarks>
/// How it comes about: a program that moves a message file by <c>link(2)</c> and <c>unlink(2)</c> (.NET's
/// <see cref="File.Move(string, string)"/> without overwrite does; so do some delivery agents) while this store renames
/// the same file: the store's rename takes the old name away between the other program's link and unlink, whose unlink
/// then finds nothing, and one file keeps two names. Or another program copies a message file under another info part.
/// <para>
/// A move by link and unlink shows both names for a moment, and the mover then removes the old one itself; so a pair is
/// mended only when it is still there <see cref="VerifyDelay"/> after a look first found it (that look asks for another).
/// Two names of one file (one inode): the name the folder knows goes, the other stays and the message's flags are what
/// it says (a mover still at work then finds its old name gone, as it wanted; nothing is lost either way). Two different
/// files: the one the folder does not know gets a new unique part and becomes a message of its own.
/// </para>
/// </remarks>
internal sealed partial class MaildirFolder
{
    /// <summary>The unique parts found on more than one name, with when a look first found each so.</summary>
    private Dictionary<string, long> _duplicated = new(StringComparer.Ordinal);

    /// <summary>Mends the pairs found long enough ago (see the remarks); <paramref name="onDisk"/> then holds the name kept of each unique part.</summary>
    /// <param name="onDisk">The scan's names, told by their unique part (the first name of each).</param>
    /// <param name="duplicates">The names the scan did not take (their unique part was taken by another name).</param>
    private void MendDuplicates(HashSet<string> onDisk, List<string> duplicates)
    {
        if (duplicates.Count == 0 && _duplicated.Count == 0)
        {
            return;
        }

        var now = Environment.TickCount64;
        var delay = (long)VerifyDelay.TotalMilliseconds;
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        var known = KnownPaths(duplicates.Count);
        using var directories = OpenDirectories(); // opened only if a pair is mended
        foreach (var name in duplicates)
        {
            var duplicate = name;
            var unique = MaildirFileName.Unique(duplicate.AsSpan(4));
            var knownPath = known(duplicate);
            onDisk.TryGetValue(duplicate, out var taken);
            if (knownPath == duplicate)
            {
                // The folder stays on the name it knows while the pair waits (the scan took the other).
                Replace(onDisk, duplicate);
                (taken, duplicate) = (duplicate, taken!);
            }

            var since = _duplicated.GetValueOrDefault(unique, now);
            if (now - since < delay || !Mend(onDisk, taken!, duplicate, knowsFirst: knownPath == taken, directories))
            {
                found.TryAdd(unique, since); // new (looked at again soon), or the disk refused (tried at the next look)
            }
        }

        _duplicated = found;
        if (found.Values.Any(since => now - since < delay))
        {
            VerifyLater();
        }
    }

    /// <summary>
    /// The path, as the folder knows it, of the message a name (relative to the folder) is a name of — the one with its
    /// unique part: a look through the messages for a few
    /// duplicates, a map of them all for many (a folder another program filled with copies must not cost a look
    /// through every message per copy).
    /// </summary>
    private Func<string, string?> KnownPaths(int duplicates)
    {
        if (duplicates <= 8)
        {
            return path => _messages.Find(m => MaildirUniquePartComparer.Instance.Equals(m.RelativePath, path))?.RelativePath;
        }

        // The messages' paths, told by their unique part as the scan tells names: a name of a message finds its path.
        var paths = new HashSet<string>(_messages.Count, MaildirUniquePartComparer.Instance);
        foreach (var m in _messages)
        {
            paths.Add(m.RelativePath);
        }

        return path => paths.TryGetValue(path, out var knownPath) ? knownPath : null;
    }

    /// <summary>Mends one pair: the name the scan took, <paramref name="first"/>, and <paramref name="second"/>.</summary>
    /// <param name="onDisk">The scan's names, told by their unique part.</param>
    /// <param name="first">The name the scan took for the unique part of both.</param>
    /// <param name="second">The other name.</param>
    /// <param name="knowsFirst">Whether the name taken is the message's name the folder knows (it knows neither otherwise).</param>
    /// <param name="directories">The folder's directories for this look's deletions and renames.</param>
    /// <returns>Whether the pair is mended (false: the disk refused; the next look tries again).</returns>
    private bool Mend(HashSet<string> onDisk, string first, string second, bool knowsFirst, MaildirDirectories directories)
    {
        if (NativeFileSystem.SameFile(System.IO.Path.Combine(Path, first), System.IO.Path.Combine(Path, second)))
        {
            var (keep, drop) = knowsFirst ? (second, first) : (first, second);
            Replace(onDisk, keep);
            return DeleteOwn(drop, directories) || !File.Exists(System.IO.Path.Combine(Path, drop)); // gone meanwhile: mended all the same
        }

        var colon = second.IndexOf(':', StringComparison.Ordinal);
        var target = string.Concat(second.AsSpan(0, 4), MaildirFileName.NewUnique(), colon < 0 ? default : second.AsSpan(colon));
        try
        {
            RenameOwn(second, target, directories);
        }
        catch (IOException)
        {
            return false;
        }

        onDisk.Add(target);
        return true;
    }

    /// <summary>Makes <paramref name="name"/> the name the set holds for its unique part (in place of another with the same one).</summary>
    private static void Replace(HashSet<string> onDisk, string name)
    {
        onDisk.Remove(name);
        onDisk.Add(name);
    }
}
