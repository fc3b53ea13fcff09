using MailKitServer.Addresses;
using MailKitServer.Sieve.Compilation;
using MailKitServer.Sieve.Grammar;

namespace MailKitServer.Sieve.Execution;

/// <summary>
/// Runs a compiled script against one message for one recipient (RFC 5228 §2.10): evaluates tests, collects the
/// actions, tracks the implicit keep. Runs are bounded by <see cref="SieveLimits"/>; a failure ends the run with an
/// error and no actions, so the caller keeps the message (RFC 5228 §2.10.6).
/// </summary>
internal sealed partial class SieveInterpreter
{
    private readonly SieveEnvironment _env;
    private readonly List<SieveAction> _actions = [];
    private readonly Dictionary<string, string> _globals = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _flags = [];
    private readonly List<string> _includeStack = [];
    private readonly HashSet<string> _includedOnce = new(StringComparer.Ordinal);
    private readonly CancellationToken _cancellationToken;
    private List<string> _matchVariables = [];
    private SieveFrame _frame = null!;
    private bool _implicitKeep = true;
    private int _redirects;
    private int _includes;
    private int _edits;
    private int _variables;

    private SieveInterpreter(SieveEnvironment env, CancellationToken cancellationToken)
    {
        _env = env;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Runs a script.</summary>
    /// <param name="script">The compiled script.</param>
    /// <param name="env">The message, envelope and services.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The actions, or the error that stopped the run.</returns>
    public static async ValueTask<SieveResult> RunAsync(SieveScript script, SieveEnvironment env, CancellationToken cancellationToken)
    {
        var run = new SieveInterpreter(env, cancellationToken);
        try
        {
            await run.RunScriptAsync(script, "main").ConfigureAwait(false);
        }
        catch (SieveRuntimeException ex)
        {
            return new SieveResult([], true, [], ex.Message, null);
        }

        return new SieveResult(run._actions, run._implicitKeep, [.. run._flags], null, env.Message.Edited ? env.Message.Serialize() : null);
    }

    private async ValueTask<SieveFlow> RunScriptAsync(SieveScript script, string name)
    {
        var outer = _frame;
        _frame = new SieveFrame(script, name);
        _includeStack.Add(name);
        try
        {
            var flow = await RunBlockAsync(script.Commands).ConfigureAwait(false);
            return flow == SieveFlow.Return ? SieveFlow.Continue : flow;
        }
        finally
        {
            _includeStack.RemoveAt(_includeStack.Count - 1);
            _frame = outer;
        }
    }

    private async ValueTask<SieveFlow> RunBlockAsync(IReadOnlyList<SieveNode> commands)
    {
        // Whether the current if/elsif chain has already run a branch.
        var chainTaken = true;
        foreach (var command in commands)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            SieveFlow flow;
            switch (command.Name)
            {
                case "if":
                    chainTaken = await TestAsync(command.Tests[0]).ConfigureAwait(false);
                    flow = chainTaken ? await RunBlockAsync(command.Block!).ConfigureAwait(false) : SieveFlow.Continue;
                    break;
                case "elsif":
                    if (!chainTaken && await TestAsync(command.Tests[0]).ConfigureAwait(false))
                    {
                        chainTaken = true;
                        flow = await RunBlockAsync(command.Block!).ConfigureAwait(false);
                    }
                    else
                    {
                        flow = SieveFlow.Continue;
                    }

                    break;
                case "else":
                    flow = chainTaken ? SieveFlow.Continue : await RunBlockAsync(command.Block!).ConfigureAwait(false);
                    chainTaken = true;
                    break;
                default:
                    flow = await RunCommandAsync(command).ConfigureAwait(false);
                    break;
            }

            if (flow != SieveFlow.Continue)
            {
                return flow;
            }
        }

        return SieveFlow.Continue;
    }

    private async ValueTask<SieveFlow> RunCommandAsync(SieveNode command)
    {
        switch (command.Name)
        {
            case "require":
                return SieveFlow.Continue;
            case "stop":
                return SieveFlow.Stop;
            case "return":
                return SieveFlow.Return;
            case "keep":
                AddFiling(command, SieveActionKind.Keep, null);
                return SieveFlow.Continue;
            case "fileinto":
                AddFiling(command, SieveActionKind.FileInto, Expand(String(command, 0)));
                return SieveFlow.Continue;
            case "discard":
                AddAction(command, new SieveAction(SieveActionKind.Discard));
                _implicitKeep = false;
                return SieveFlow.Continue;
            case "redirect":
                Redirect(command);
                return SieveFlow.Continue;
            case "reject" or "ereject":
                Reject(command);
                return SieveFlow.Continue;
            case "vacation":
                Vacation(command);
                return SieveFlow.Continue;
            case "setflag" or "addflag" or "removeflag":
                ChangeFlags(command);
                return SieveFlow.Continue;
            case "set":
                Set(command);
                return SieveFlow.Continue;
            case "global":
                foreach (var name in command.Positional[0].Strings!)
                {
                    _frame.GlobalNames.Add(name);
                }

                return SieveFlow.Continue;
            case "include":
                return await IncludeAsync(command).ConfigureAwait(false);
            case "addheader":
                AddHeader(command);
                return SieveFlow.Continue;
            case "deleteheader":
                DeleteHeader(command);
                return SieveFlow.Continue;
            default:
                throw new SieveRuntimeException(command.Line, $"command '{command.Name}' cannot run here");
        }
    }

    private static string String(SieveNode node, int position) => node.Positional[position].Strings![0];

    private static string? TagString(SieveNode node, string tag) => node.Tags.TryGetValue(tag, out var value) ? value?.Strings![0] : null;

    private void AddAction(SieveNode command, SieveAction action)
    {
        if (_actions.Count >= _env.Limits.MaxActions)
        {
            throw new SieveRuntimeException(command.Line, $"more than {_env.Limits.MaxActions} actions");
        }

        if (action.Kind is SieveActionKind.Keep or SieveActionKind.FileInto or SieveActionKind.Vacation && _actions.Any(a => a.Kind == SieveActionKind.Reject))
        {
            // RFC 5429 §2.1/§2.2: reject excludes keeping the message and a vacation reply.
            throw new SieveRuntimeException(command.Line, $"'{command.Name}' conflicts with reject");
        }

        _actions.Add(action);
    }

    private void AddFiling(SieveNode command, SieveActionKind kind, string? mailbox)
    {
        var flags = command.Tags.TryGetValue("flags", out var flagArgument) ? ParseFlags(flagArgument!.Strings!.Select(Expand)) : [.. _flags];
        var copy = command.Tags.ContainsKey("copy");
        if (kind == SieveActionKind.FileInto && mailbox is { Length: 0 })
        {
            throw new SieveRuntimeException(command.Line, "fileinto needs a mailbox name");
        }

        // RFC 5228 §2.10.3: one copy per mailbox however often it is filed there.
        var target = mailbox ?? "INBOX";
        var existing = _actions.Any(a => a.Kind is SieveActionKind.Keep or SieveActionKind.FileInto && string.Equals(a.Argument ?? "INBOX", target, StringComparison.Ordinal));
        if (!existing)
        {
            AddAction(command, new SieveAction(kind, mailbox, flags, copy, command.Tags.ContainsKey("create")));
        }

        if (!copy)
        {
            _implicitKeep = false;
        }
    }

    private void Redirect(SieveNode command)
    {
        var address = Expand(String(command, 0));
        if (!MailAddress.TryParse(address, allowUtf8: true, out var parsed))
        {
            throw new SieveRuntimeException(command.Line, $"redirect to an invalid address '{address}'");
        }

        if (_actions.Any(a => a.Kind == SieveActionKind.Redirect && string.Equals(a.Argument, parsed.Address, StringComparison.OrdinalIgnoreCase)))
        {
            // RFC 5228 §4.2: the same address twice gets one copy.
            _implicitKeep &= command.Tags.ContainsKey("copy");
            return;
        }

        if (++_redirects > _env.Limits.MaxRedirects)
        {
            throw new SieveRuntimeException(command.Line, $"more than {_env.Limits.MaxRedirects} redirects");
        }

        AddAction(command, new SieveAction(SieveActionKind.Redirect, parsed.Address, Copy: command.Tags.ContainsKey("copy")));
        if (!command.Tags.ContainsKey("copy"))
        {
            _implicitKeep = false;
        }
    }

    private void Reject(SieveNode command)
    {
        if (_actions.Any(a => a.Kind is SieveActionKind.Reject or SieveActionKind.Keep or SieveActionKind.FileInto or SieveActionKind.Vacation))
        {
            // RFC 5429 §2.1: at most one reject, and not with keep, fileinto or vacation.
            throw new SieveRuntimeException(command.Line, $"'{command.Name}' conflicts with an earlier action");
        }

        AddAction(command, new SieveAction(SieveActionKind.Reject, Expand(String(command, 0)), Extended: command.Name == "ereject"));
        _implicitKeep = false;
    }

    private void Vacation(SieveNode command)
    {
        if (_actions.Any(a => a.Kind == SieveActionKind.Vacation))
        {
            // RFC 5230 §4.7: vacation at most once.
            throw new SieveRuntimeException(command.Line, "vacation more than once");
        }

        var period = command.Tags.TryGetValue("seconds", out var seconds) ? TimeSpan.FromSeconds(seconds!.Number!.Value)
            : command.Tags.TryGetValue("days", out var days) ? TimeSpan.FromDays(Math.Max(1, days!.Number!.Value))
            : TimeSpan.FromDays(7);
        var addresses = command.Tags.TryGetValue("addresses", out var list) ? list!.Strings!.Select(Expand).ToList() : [];
        var vacation = new SieveVacation(Expand(String(command, 0)), period, TagString(command, "subject") is { } subject ? Expand(subject) : null,
            TagString(command, "from") is { } from ? Expand(from) : null, addresses, command.Tags.ContainsKey("mime"), TagString(command, "handle") is { } handle ? Expand(handle) : null);
        AddAction(command, new SieveAction(SieveActionKind.Vacation, Vacation: vacation));
    }

    private async ValueTask<SieveFlow> IncludeAsync(SieveNode command)
    {
        var name = String(command, 0);
        var global = command.Tags.ContainsKey("global");
        var key = (global ? "global:" : "personal:") + name;
        if (command.Tags.ContainsKey("once") && _includedOnce.Contains(key))
        {
            return SieveFlow.Continue;
        }

        if (_includeStack.Contains(key))
        {
            // RFC 6609 §3.2: a script that includes itself, directly or not, is an error.
            throw new SieveRuntimeException(command.Line, $"include cycle through '{name}'");
        }

        if (_includeStack.Count > _env.Limits.MaxIncludeDepth)
        {
            throw new SieveRuntimeException(command.Line, $"includes nested deeper than {_env.Limits.MaxIncludeDepth}");
        }

        if (++_includes > _env.Limits.MaxIncludes)
        {
            throw new SieveRuntimeException(command.Line, $"more than {_env.Limits.MaxIncludes} includes");
        }

        SieveScript? script;
        try
        {
            script = await _env.LoadScript(name, global, _cancellationToken).ConfigureAwait(false);
        }
        catch (SieveSyntaxException ex)
        {
            throw new SieveRuntimeException(command.Line, $"included script '{name}' does not compile: {ex.Message}");
        }

        if (script is null)
        {
            if (command.Tags.ContainsKey("optional"))
            {
                return SieveFlow.Continue;
            }

            throw new SieveRuntimeException(command.Line, $"included script '{name}' does not exist");
        }

        _includedOnce.Add(key);
        return await RunScriptAsync(script, key).ConfigureAwait(false);
    }

    private void AddHeader(SieveNode command)
    {
        var name = Expand(String(command, 0));
        var value = Expand(String(command, 1));
        if (!CheckHeaderEdit(command, name))
        {
            return;
        }

        if (value.Length > 998 || value.Contains('\r') || value.Contains('\n'))
        {
            throw new SieveRuntimeException(command.Line, "addheader value too long or with a line break");
        }

        _env.Message.AddHeader(name, value, command.Tags.ContainsKey("last"));
    }

    private void DeleteHeader(SieveNode command)
    {
        var name = Expand(String(command, 0));
        if (!CheckHeaderEdit(command, name))
        {
            return;
        }

        var index = command.Tags.TryGetValue("index", out var indexArgument) ? (int)Math.Min(indexArgument!.Number!.Value, int.MaxValue) : 0;
        var keys = command.Positional.Count > 1 ? command.Positional[1].Strings!.Select(Expand).ToList() : null;
        _env.Message.DeleteHeaders(name, index, command.Tags.ContainsKey("last"), value => keys is null || Match(command, [value], keys));
    }

    private bool CheckHeaderEdit(SieveNode command, string name)
    {
        if (++_edits > _env.Limits.MaxHeaderEdits)
        {
            throw new SieveRuntimeException(command.Line, $"more than {_env.Limits.MaxHeaderEdits} header edits");
        }

        if (name.Length == 0 || name.Length > 76 || name.Any(c => c is <= ' ' or ':' or > '~'))
        {
            throw new SieveRuntimeException(command.Line, $"invalid header name '{name}'");
        }

        // RFC 5293 §6/§7: the trace fields and the auto-reply marker are left alone (the edit is ignored, not an error).
        return !(name.Equals("Received", StringComparison.OrdinalIgnoreCase) || name.Equals("Return-Path", StringComparison.OrdinalIgnoreCase) || name.Equals("Auto-Submitted", StringComparison.OrdinalIgnoreCase));
    }
}
