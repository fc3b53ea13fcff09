namespace MailKitServer.TestSupport;

/// <summary>Removing test directories that a store may still be writing into for a moment (Maildir's background index save).</summary>
public static class TempDirectories
{
    public static void Delete(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 20)
            {
                Thread.Sleep(50);
            }
        }
    }
}
