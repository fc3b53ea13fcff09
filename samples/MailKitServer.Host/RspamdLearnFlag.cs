namespace MailKitServer.Host;

/// <summary>
/// <c>--rspamd-learn URL[,password=SECRET|,password-file=PATH]</c>: rspamd's controller, told of the messages users
/// move into Junk (spam) and out of it (ham). The password (the controller's <c>enable_password</c>) is better kept in
/// a file: a command line is visible to every user of the machine.
/// </summary>
internal sealed record RspamdLearnFlag(Uri Controller, string? Password)
{
    public static RspamdLearnFlag Parse(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        if (!Uri.TryCreate(parts[0], UriKind.Absolute, out var controller) || controller.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--rspamd-learn: '{parts[0]}' is not an http:// or https:// address of rspamd's controller.");
        }

        string? password = null;
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var (key, setting) = eq > 0 ? (part[..eq], part[(eq + 1)..]) : (part, string.Empty);
            password = key switch
            {
                "password" when setting.Length > 0 => setting,
                "password-file" when File.Exists(setting) => File.ReadAllText(setting).Trim(),
                "password-file" => throw new ArgumentException($"--rspamd-learn: password file '{setting}' does not exist."),
                _ => throw new ArgumentException($"--rspamd-learn: unknown setting '{part}' (password=SECRET or password-file=PATH)."),
            };
        }

        return new RspamdLearnFlag(controller, password);
    }
}
