using System.Globalization;
using System.Text;
using MailKitServer.Sieve.Grammar;

namespace MailKitServer.Sieve.ManageSieve;

/// <summary>The script commands (RFC 5804 §2.3–§2.13).</summary>
internal sealed partial class ManageSieveSession
{
    private async ValueTask<bool> DispatchAsync(ManageSieveCommand command)
    {
        var args = command.Arguments;
        switch (command.Verb)
        {
            case "CAPABILITY" when args.Count == 0:
                WriteCapabilities();
                _connection.Write("OK \"Capability completed\"\r\n");
                return true;
            case "NOOP" when args.Count <= 1:
                // RFC 5804 §2.15: an argument comes back as the TAG response code.
                _connection.Write(args.Count == 1 ? $"OK (TAG {Quote(args[0])}) \"Done\"\r\n" : "OK \"Done\"\r\n");
                return true;
            case "LOGOUT" when args.Count == 0:
                _connection.Write("OK \"Logout completed\"\r\n");
                return false;
            case "STARTTLS" when args.Count == 0:
                return await StartTlsAsync().ConfigureAwait(false);
            case "AUTHENTICATE" when args.Count is 1 or 2:
                return await AuthenticateAsync(args[0], args.Count == 2 ? args[1] : null).ConfigureAwait(false);
            case "UNAUTHENTICATE" when args.Count == 0:
                return Unauthenticate();
            case "CAPABILITY" or "NOOP" or "LOGOUT" or "STARTTLS" or "AUTHENTICATE" or "UNAUTHENTICATE":
                return Error($"NO \"Wrong arguments for {command.Verb}\"\r\n");
        }

        if (_userId is null)
        {
            return command.Verb is "HAVESPACE" or "PUTSCRIPT" or "LISTSCRIPTS" or "SETACTIVE" or "GETSCRIPT" or "DELETESCRIPT" or "RENAMESCRIPT" or "CHECKSCRIPT"
                ? Error("NO \"Authenticate first\"\r\n")
                : Error($"NO \"Unknown command {Quote(command.Verb)[1..^1]}\"\r\n");
        }

        var user = _userId;
        var store = _options.ScriptStore;
        var ct = _connection.Aborted;
        switch (command.Verb)
        {
            case "LISTSCRIPTS" when args.Count == 0:
                var sb = new StringBuilder();
                foreach (var script in await store.ListAsync(user, ct).ConfigureAwait(false))
                {
                    sb.Append(Quote(script.Name)).Append(script.IsActive ? " ACTIVE\r\n" : "\r\n");
                }

                _connection.Write(sb.Append("OK \"Listscripts completed\"\r\n").ToString());
                return true;
            case "GETSCRIPT" when args.Count == 1:
                if (await store.GetAsync(user, args[0], ct).ConfigureAwait(false) is not { } text || !IsValidName(args[0]))
                {
                    return Error("NO (NONEXISTENT) \"There is no script by that name\"\r\n");
                }

                _connection.Write(Literal(text) + "\r\nOK \"Getscript completed\"\r\n");
                return true;
            case "CHECKSCRIPT" when args.Count == 1:
                return Check(args[0]) is { } problem ? Error(problem) : Ok("Script is valid");
            case "PUTSCRIPT" when args.Count == 2:
                return await PutAsync(user, args[0], args[1]).ConfigureAwait(false);
            case "HAVESPACE" when args.Count == 2:
                if (!IsValidName(args[0]))
                {
                    return Error("NO \"Invalid script name\"\r\n");
                }

                if (!long.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                {
                    return Error("NO \"HAVESPACE needs a script name and a size\"\r\n");
                }

                if (size > _options.MaxScriptSize)
                {
                    _connection.Write($"NO (QUOTA/MAXSIZE) \"Scripts are limited to {_options.MaxScriptSize} octets\"\r\n");
                    return true;
                }

                return await HasRoomForAsync(user, args[0]).ConfigureAwait(false) ? Ok("Putscript would succeed") : Quota();
            case "SETACTIVE" when args.Count == 1:
                if (args[0].Length > 0 && !IsValidName(args[0]))
                {
                    return Error("NO (NONEXISTENT) \"There is no script by that name\"\r\n");
                }

                // RFC 5804 §2.8: the empty name deactivates every script.
                if (args[0].Length > 0 && await store.GetAsync(user, args[0], ct).ConfigureAwait(false) is { } activeText && Check(activeText) is { } broken)
                {
                    return Error(broken);
                }

                return await store.SetActiveAsync(user, args[0].Length == 0 ? null : args[0], ct).ConfigureAwait(false)
                    ? Ok("Setactive completed")
                    : Error("NO (NONEXISTENT) \"There is no script by that name\"\r\n");
            case "DELETESCRIPT" when args.Count == 1:
                var scripts = await store.ListAsync(user, ct).ConfigureAwait(false);
                var found = scripts.FirstOrDefault(s => s.Name == args[0]);
                if (found is null || !IsValidName(args[0]))
                {
                    return Error("NO (NONEXISTENT) \"There is no script by that name\"\r\n");
                }

                if (found.IsActive)
                {
                    // RFC 5804 §2.10: the active script cannot be deleted.
                    return Error("NO (ACTIVE) \"You may not delete the active script\"\r\n");
                }

                await store.DeleteAsync(user, args[0], ct).ConfigureAwait(false);
                return Ok("Deletescript completed");
            case "RENAMESCRIPT" when args.Count == 2:
                if (!IsValidName(args[0]) || await store.GetAsync(user, args[0], ct).ConfigureAwait(false) is null)
                {
                    return Error("NO (NONEXISTENT) \"There is no script by that name\"\r\n");
                }

                if (!IsValidName(args[1]))
                {
                    return Error("NO \"Invalid script name\"\r\n");
                }

                if (await store.GetAsync(user, args[1], ct).ConfigureAwait(false) is not null)
                {
                    return Error("NO (ALREADYEXISTS) \"A script by that name exists\"\r\n");
                }

                return await store.RenameAsync(user, args[0], args[1], ct).ConfigureAwait(false)
                    ? Ok("Renamescript completed")
                    : Error("NO (NONEXISTENT) \"There is no script by that name\"\r\n");
            default:
                return Error($"NO \"Unknown command or wrong arguments: {command.Verb}\"\r\n");
        }
    }

    private bool Ok(string text)
    {
        _connection.Write($"OK {Quote(text)}\r\n");
        return true;
    }

    private bool Quota()
    {
        _connection.Write($"NO (QUOTA/MAXSCRIPTS) \"At most {_options.MaxScripts} scripts\"\r\n");
        return true;
    }

    private async ValueTask<bool> PutAsync(string user, string name, string text)
    {
        if (!IsValidName(name))
        {
            return Error("NO \"Invalid script name\"\r\n");
        }

        if (Encoding.UTF8.GetByteCount(text) > _options.MaxScriptSize)
        {
            _connection.Write($"NO (QUOTA/MAXSIZE) \"Scripts are limited to {_options.MaxScriptSize} octets\"\r\n");
            return true;
        }

        if (Check(text) is { } problem)
        {
            return Error(problem);
        }

        if (!await HasRoomForAsync(user, name).ConfigureAwait(false))
        {
            return Quota();
        }

        await _options.ScriptStore.PutAsync(user, name, text, _connection.Aborted).ConfigureAwait(false);
        return Ok("Putscript completed");
    }

    private async ValueTask<bool> HasRoomForAsync(string user, string name)
    {
        var scripts = await _options.ScriptStore.ListAsync(user, _connection.Aborted).ConfigureAwait(false);
        return scripts.Count < _options.MaxScripts || scripts.Any(s => s.Name == name);
    }

    /// <summary>Compiles a script: null when valid, otherwise the NO reply with the compiler's line and message.</summary>
    private string? Check(string text)
    {
        var (script, error) = _cache.Get(text);
        return script is not null ? null : $"NO {Text(error!)}\r\n";
    }

    /// <summary>RFC 5804 §1.6: a script name is UTF-8 without controls or line separators; ours also no '/' and no leading '.'.</summary>
    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= 128 && name[0] != '.'
        && !name.Any(c => c < 0x20 || c is >= (char)0x7F and <= (char)0x9F || c is '\u2028' or '\u2029' or '/' or '\\');
}
