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
        return command.Verb switch
        {
            "LISTSCRIPTS" when args.Count == 0 => await ListScriptsAsync(user).ConfigureAwait(false),
            "GETSCRIPT" when args.Count == 1 => await GetScriptAsync(user, args[0]).ConfigureAwait(false),
            "CHECKSCRIPT" when args.Count == 1 => Check(args[0]) is { } problem ? Error(problem) : Ok("Script is valid"),
            "PUTSCRIPT" when args.Count == 2 => await PutAsync(user, args[0], args[1]).ConfigureAwait(false),
            "HAVESPACE" when args.Count == 2 => await HaveSpaceAsync(user, args[0], args[1]).ConfigureAwait(false),
            "SETACTIVE" when args.Count == 1 => await SetActiveAsync(user, args[0]).ConfigureAwait(false),
            "DELETESCRIPT" when args.Count == 1 => await DeleteScriptAsync(user, args[0]).ConfigureAwait(false),
            "RENAMESCRIPT" when args.Count == 2 => await RenameScriptAsync(user, args[0], args[1]).ConfigureAwait(false),
            _ => Error($"NO \"Unknown command or wrong arguments: {command.Verb}\"\r\n"),
        };
    }

    /// <summary>RFC 5804 §2.7.</summary>
    private async ValueTask<bool> ListScriptsAsync(string user)
    {
        var sb = new StringBuilder();
        foreach (var script in await _options.ScriptStore.ListAsync(user, _connection.Aborted).ConfigureAwait(false))
        {
            sb.Append(Quote(script.Name)).Append(script.IsActive ? " ACTIVE\r\n" : "\r\n");
        }

        _connection.Write(sb.Append("OK \"Listscripts completed\"\r\n").ToString());
        return true;
    }

    /// <summary>RFC 5804 §2.9.</summary>
    private async ValueTask<bool> GetScriptAsync(string user, string name)
    {
        if (await _options.ScriptStore.GetAsync(user, name, _connection.Aborted).ConfigureAwait(false) is not { } text || !IsValidName(name))
        {
            return NoSuchScript();
        }

        _connection.Write(Literal(text) + "\r\nOK \"Getscript completed\"\r\n");
        return true;
    }

    /// <summary>RFC 5804 §2.5.</summary>
    private async ValueTask<bool> HaveSpaceAsync(string user, string name, string sizeText)
    {
        if (!IsValidName(name))
        {
            return Error("NO \"Invalid script name\"\r\n");
        }

        if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return Error("NO \"HAVESPACE needs a script name and a size\"\r\n");
        }

        if (size > _options.MaxScriptSize)
        {
            _connection.Write($"NO (QUOTA/MAXSIZE) \"Scripts are limited to {_options.MaxScriptSize} octets\"\r\n");
            return true;
        }

        return await HasRoomForAsync(user, name).ConfigureAwait(false) ? Ok("Putscript would succeed") : Quota();
    }

    /// <summary>RFC 5804 §2.8: the empty name deactivates every script; a script that does not compile is not activated.</summary>
    private async ValueTask<bool> SetActiveAsync(string user, string name)
    {
        if (name.Length > 0 && !IsValidName(name))
        {
            return NoSuchScript();
        }

        var store = _options.ScriptStore;
        if (name.Length > 0 && await store.GetAsync(user, name, _connection.Aborted).ConfigureAwait(false) is { } activeText && Check(activeText) is { } broken)
        {
            return Error(broken);
        }

        return await store.SetActiveAsync(user, name.Length == 0 ? null : name, _connection.Aborted).ConfigureAwait(false)
            ? Ok("Setactive completed")
            : NoSuchScript();
    }

    /// <summary>RFC 5804 §2.10: the active script cannot be deleted.</summary>
    private async ValueTask<bool> DeleteScriptAsync(string user, string name)
    {
        var scripts = await _options.ScriptStore.ListAsync(user, _connection.Aborted).ConfigureAwait(false);
        var found = scripts.FirstOrDefault(s => s.Name == name);
        if (found is null || !IsValidName(name))
        {
            return NoSuchScript();
        }

        if (found.IsActive)
        {
            return Error("NO (ACTIVE) \"You may not delete the active script\"\r\n");
        }

        await _options.ScriptStore.DeleteAsync(user, name, _connection.Aborted).ConfigureAwait(false);
        return Ok("Deletescript completed");
    }

    /// <summary>RFC 5804 §2.11.1.</summary>
    private async ValueTask<bool> RenameScriptAsync(string user, string from, string to)
    {
        var store = _options.ScriptStore;
        var ct = _connection.Aborted;
        if (!IsValidName(from) || await store.GetAsync(user, from, ct).ConfigureAwait(false) is null)
        {
            return NoSuchScript();
        }

        if (!IsValidName(to))
        {
            return Error("NO \"Invalid script name\"\r\n");
        }

        if (await store.GetAsync(user, to, ct).ConfigureAwait(false) is not null)
        {
            return Error("NO (ALREADYEXISTS) \"A script by that name exists\"\r\n");
        }

        return await store.RenameAsync(user, from, to, ct).ConfigureAwait(false) ? Ok("Renamescript completed") : NoSuchScript();
    }

    private bool NoSuchScript() => Error("NO (NONEXISTENT) \"There is no script by that name\"\r\n");

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
