namespace MailKitServer.Storage.Maildir.Tests;

/// <summary>
/// A batch's renames and deletions relative to the folder's open new/ and cur/ (renameat/unlinkat on Linux, whole
/// paths elsewhere) do what the whole-path calls did: same files moved, same errors for a file another program took.
/// </summary>
public sealed class MaildirDirectoriesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mks-dirs").FullName;

    public MaildirDirectoriesTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "cur"));
        Directory.CreateDirectory(Path.Combine(_root, "new"));
        Directory.CreateDirectory(Path.Combine(_root, "tmp"));
    }

    [Fact]
    public void Renames_within_cur_and_from_new_to_cur_and_deletes()
    {
        Write("new/a");
        Write("cur/b:2,");
        using (var directories = new MaildirDirectories(_root))
        {
            directories.Rename("new/a", Rel("cur/a,U=1:2,S"));
            directories.Rename(Rel("cur/b:2,"), Rel("cur/b,U=2:2,F"));
            Assert.True(directories.TryDelete(Rel("cur/a,U=1:2,S")));
            Assert.False(directories.TryDelete(Rel("cur/a,U=1:2,S")));
        }

        Assert.Equal(["b,U=2:2,F"], Directory.GetFiles(Path.Combine(_root, "cur")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "new")));
        Assert.Equal("b:2,", File.ReadAllText(Path.Combine(_root, "cur", "b,U=2:2,F")));
    }

    [Fact]
    public void A_file_another_program_took_is_not_found_and_nothing_is_made()
    {
        Write("cur/c:2,");
        using var directories = new MaildirDirectories(_root);
        directories.Rename(Rel("cur/c:2,"), Rel("cur/c:2,S")); // the directory is open from here
        File.Move(Path.Combine(_root, "cur", "c:2,S"), Path.Combine(_root, "cur", "c:2,ST"));
        Assert.Throws<FileNotFoundException>(() => directories.Rename(Rel("cur/c:2,S"), Rel("cur/c:2,SF")));
        Assert.False(directories.TryDelete(Rel("cur/c:2,S")));
        Assert.Equal(["c:2,ST"], Directory.GetFiles(Path.Combine(_root, "cur")).Select(Path.GetFileName));
    }

    [Fact]
    public void A_missing_directory_is_not_found_either()
    {
        Directory.Delete(Path.Combine(_root, "new"));
        using var directories = new MaildirDirectories(_root);
        Assert.Throws<FileNotFoundException>(() => directories.Rename(Rel("new/x"), Rel("cur/x:2,")));
        Assert.False(directories.TryDelete(Rel("new/x")));
    }

    [Fact]
    public void Other_paths_are_renamed_by_their_whole_paths()
    {
        Write("tmp/d");
        Directory.CreateDirectory(Path.Combine(_root, "cur", "sub"));
        using var directories = new MaildirDirectories(_root);
        directories.Rename(Rel("tmp/d"), Rel("cur/sub/d"));
        directories.Rename(Rel("cur/sub/d"), Rel("cur/d:2,"));
        Assert.True(File.Exists(Path.Combine(_root, "cur", "d:2,")));
        Assert.True(directories.TryDelete(Rel("cur/d:2,")));
    }

    [Fact]
    public void A_directory_replaced_between_two_batches_is_the_new_one_in_the_second()
    {
        Write("cur/e:2,");
        using (var first = new MaildirDirectories(_root))
        {
            first.Rename(Rel("cur/e:2,"), Rel("cur/e:2,S"));
        }

        // Another program replaces cur/ (a restore from a backup): the next batch works in the new one.
        Directory.Move(Path.Combine(_root, "cur"), Path.Combine(_root, "cur.old"));
        Directory.CreateDirectory(Path.Combine(_root, "cur"));
        Write("cur/f:2,");
        using (var second = new MaildirDirectories(_root))
        {
            second.Rename(Rel("cur/f:2,"), Rel("cur/f:2,F"));
        }

        Assert.True(File.Exists(Path.Combine(_root, "cur", "f:2,F")));
        Assert.True(File.Exists(Path.Combine(_root, "cur.old", "e:2,S")));
    }

    public void Dispose() => MailKitServer.TestSupport.TempDirectories.Delete(_root);

    private static string Rel(string path) => path.Replace('/', Path.DirectorySeparatorChar);

    private void Write(string relative) => File.WriteAllText(Path.Combine(_root, Rel(relative)), Path.GetFileName(relative));
}
