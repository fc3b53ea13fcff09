using MailKitServer.Runtime;

namespace MailKitServer.Tests.Runtime;

/// <summary>The Linux open(2)/pread(2) file the Maildir store reads messages with (issue 24).</summary>
public sealed class NativeReadOnlyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mks-native-read-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reads_any_range_and_nothing_past_the_end()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Throws<PlatformNotSupportedException>(() => NativeReadOnlyFile.TryOpen(Path.Combine(_dir, "x")));
            return;
        }

        var content = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        var path = Path.Combine(_dir, "message");
        File.WriteAllBytes(path, content);
        using var file = NativeReadOnlyFile.TryOpen(path)!;
        for (var offset = 0; offset <= content.Length + 1; offset += 499)
        {
            var buffer = new byte[1000];
            var n = file.Read(buffer, offset);
            Assert.Equal(Math.Clamp(content.Length - offset, 0, 1000), n);
            Assert.Equal(content.AsSpan(Math.Min(offset, content.Length), n).ToArray(), buffer[..n]);
        }

        Assert.Equal(0, file.Read(new byte[10], content.Length));
    }

    [Fact]
    public void A_missing_file_or_directory_is_null_and_a_removed_file_still_reads()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Assert.Null(NativeReadOnlyFile.TryOpen(Path.Combine(_dir, "missing")));
        Assert.Null(NativeReadOnlyFile.TryOpen(Path.Combine(_dir, "missing", "file")));

        // An EXPUNGE while a FETCH reads: the open file stays readable.
        var path = Path.Combine(_dir, "expunged");
        File.WriteAllText(path, "Subject: x\r\n\r\nbody\r\n");
        using var file = NativeReadOnlyFile.TryOpen(path)!;
        File.Delete(path);
        var buffer = new byte[64];
        Assert.Equal("Subject: x\r\n\r\nbody\r\n", System.Text.Encoding.ASCII.GetString(buffer, 0, file.Read(buffer, 0)));

        // A file disposed is closed: reading it is refused, not a read of whatever reuses the descriptor.
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Read(buffer, 0));
    }

    [Fact]
    public void Reading_a_file_of_ours_leaves_its_access_time()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // An access time before the modification time: under relatime (and strictatime) a read would set it to now.
        var path = Path.Combine(_dir, "old");
        File.WriteAllText(path, "Subject: x\r\n\r\nbody\r\n");
        var accessed = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, new DateTime(2002, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastAccessTimeUtc(path, accessed);
        using (var file = NativeReadOnlyFile.TryOpen(path)!)
        {
            Assert.Equal(20, file.Read(new byte[64], 0));
        }

        Assert.Equal(accessed, File.GetLastAccessTimeUtc(path));
    }
}
