using MailKitServer.Runtime;
using Microsoft.Win32.SafeHandles;

namespace MailKitServer.Storage.Maildir;

/// <summary>
/// A folder's <c>new/</c> and <c>cur/</c> held open for one batch of renames or deletions under the folder's gate (a
/// STORE, an EXPUNGE, a batch of the background naming), so that each names its file relative to its directory
/// (<c>renameat(2)</c>, <c>unlinkat(2)</c>) instead of by two whole paths the kernel walked again, component by
/// component, for every one of 20,000 renames (issue 24). Opened when first needed, closed at the end of the batch:
/// not kept between commands, so a folder another program removed or replaced meanwhile is met as by whole paths.
/// Where not Linux, where a directory cannot be opened, or for a path that is not <c>new/name</c> or <c>cur/name</c>,
/// files are named by their whole paths as before; the errors are the same either way. Its methods may be called from
/// several threads at once (the deletions of a large batch: <see cref="MaildirBatchDeletion"/>).
/// </summary>
internal sealed class MaildirDirectories : IDisposable
{
    private readonly string _root;
    private readonly Lock _opening = new();
    private SafeFileHandle? _new;
    private SafeFileHandle? _cur;
    private bool _newOpened;
    private bool _curOpened;

    /// <summary>The directories of the folder at <paramref name="root"/>, opened when first used.</summary>
    public MaildirDirectories(string root) => _root = root;

    /// <summary>Renames a file of the folder (paths relative to it), replacing the target.</summary>
    /// <exception cref="FileNotFoundException">The file, or a directory, is not there.</exception>
    /// <exception cref="IOException">The rename failed otherwise.</exception>
    public void Rename(string from, string to)
    {
        if (DirectoryOf(from) is { } fromDirectory && DirectoryOf(to) is { } toDirectory)
        {
            NativeFileSystem.RenameAt(fromDirectory, from.AsSpan(4), toDirectory, to.AsSpan(4));
        }
        else
        {
            NativeFileSystem.Rename(Path.Combine(_root, from), Path.Combine(_root, to));
        }
    }

    /// <summary>Deletes a file of the folder (path relative to it); false when it was not there or could not be deleted.</summary>
    public bool TryDelete(string relative) =>
        DirectoryOf(relative) is { } directory
            ? NativeFileSystem.TryUnlinkAt(directory, relative.AsSpan(4))
            : NativeFileSystem.TryDelete(Path.Combine(_root, relative));

    public void Dispose()
    {
        _new?.Dispose();
        _cur?.Dispose();
    }

    /// <summary>The open directory of a path <c>new/name</c> or <c>cur/name</c> (a name without a separator), or null.</summary>
    private SafeFileHandle? DirectoryOf(string relative)
    {
        if (relative.Length < 5 || relative[3] != '/' || relative.AsSpan(4).Contains('/'))
        {
            return null;
        }

        if (relative.StartsWith("cur", StringComparison.Ordinal))
        {
            return Open(ref _cur, ref _curOpened, "cur");
        }

        return relative.StartsWith("new", StringComparison.Ordinal) ? Open(ref _new, ref _newOpened, "new") : null;
    }

    /// <summary>Opens a directory once, also when several threads of a batch ask at once (<see cref="MaildirBatchDeletion"/>).</summary>
    private SafeFileHandle? Open(ref SafeFileHandle? handle, ref bool opened, string name)
    {
        if (!Volatile.Read(ref opened))
        {
            lock (_opening)
            {
                if (!opened)
                {
                    handle = NativeFileSystem.OpenDirectoryHandle(Path.Combine(_root, name));
                    Volatile.Write(ref opened, true);
                }
            }
        }

        return handle;
    }
}
