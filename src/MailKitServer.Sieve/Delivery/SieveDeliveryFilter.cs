using MailKitServer.Delivery;
using MailKitServer.Runtime;
using MailKitServer.Sieve.Compilation;
using MailKitServer.Sieve.Diagnostics;
using MailKitServer.Sieve.Execution;
using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Sieve.Delivery;

/// <summary>
/// Runs each recipient's active script at final delivery and turns its actions into copies, a refusal and messages
/// to send. A user without an active script, a script that does not compile and a run that fails all keep the
/// message in the resolved mailbox (RFC 5228 §2.10.6): a rule never loses mail.
/// </summary>
internal sealed class SieveDeliveryFilter : IDeliveryFilter, IBlockingHint
{
    private readonly MailServerContext _context;
    private readonly SieveOptions _options;
    private readonly SieveScriptCache _cache;
    private readonly ILogger _logger;

    /// <summary>Creates the filter.</summary>
    /// <param name="context">The server's seams.</param>
    /// <param name="options">The Sieve options.</param>
    /// <param name="cache">The compiled scripts.</param>
    public SieveDeliveryFilter(MailServerContext context, SieveOptions options, SieveScriptCache cache)
    {
        _context = context;
        _options = options;
        _cache = cache;
        _logger = context.LoggerFactory.CreateLogger("MailKitServer.Sieve");
    }

    /// <summary>
    /// A run reads the user's scripts and may queue messages (redirect, vacation, notify): it waits on I/O when the
    /// script store or the outbound queue does. Running a compiled script is bounded by the Sieve limits.
    /// </summary>
    bool IBlockingHint.MayBlock => IBlockingHint.Of(_options.ScriptStore) || IBlockingHint.Of(_context.OutboundQueue);

    /// <inheritdoc />
    public async ValueTask<FilterDecision> DecideAsync(FilterInput input, CancellationToken cancellationToken)
    {
        var user = input.Target.UserId;
        var store = _options.ScriptStore;
        var active = (await store.ListAsync(user, cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.IsActive);
        if (active is null || await store.GetAsync(user, active.Name, cancellationToken).ConfigureAwait(false) is not { } text)
        {
            return FilterDecision.Keep(input.Target.Mailbox);
        }

        var (script, error) = _cache.Get(text);
        if (script is null)
        {
            SieveLog.CompileFailed(_logger, user, active.Name, error!);
            return FilterDecision.Keep(input.Target.Mailbox);
        }

        SieveMessage message;
        await using (var content = input.OpenContent())
        {
            message = await SieveMessage.LoadAsync(content, cancellationToken).ConfigureAwait(false);
        }

        var now = _context.TimeProvider.GetUtcNow();
        var env = new SieveEnvironment
        {
            Message = message,
            EnvelopeFrom = input.ReversePath,
            EnvelopeTo = input.Recipient,
            Now = now,
            Limits = new SieveLimits(_options.MaxActions, _options.MaxRedirects, _options.MaxIncludeDepth, MaxVariableLength: _options.MaxVariableLength),
            LoadScript = (name, global, ct) => LoadAsync(user, name, global, ct),
            MailboxExists = (name, ct) => MailboxExistsAsync(user, name, ct),
        };
        var result = await SieveInterpreter.RunAsync(script, env, cancellationToken).ConfigureAwait(false);
        if (result.Error is not null)
        {
            SieveLog.RunFailed(_logger, user, active.Name, result.Error);
            return FilterDecision.Keep(input.Target.Mailbox);
        }

        return await DecideAsync(input, message, result, now, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<FilterDecision> DecideAsync(FilterInput input, SieveMessage message, SieveResult result, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var copies = new List<FiledCopy>();
        var messages = new List<FilterMessage>();
        string? reject = null;
        foreach (var action in result.Actions)
        {
            switch (action.Kind)
            {
                case SieveActionKind.Keep:
                    copies.Add(Copy(input.Target.Mailbox, action.Flags!, false, result.EditedMessage));
                    break;
                case SieveActionKind.FileInto:
                    copies.Add(Copy(action.Argument!, action.Flags!, action.Create, result.EditedMessage));
                    break;
                case SieveActionKind.Redirect:
                    // RFC 5228 §4.2: "If an implementation detects a loop, it causes an error": a message this
                    // recipient redirected before (our marker names them) is kept instead, like any failed run.
                    if (RedirectMarker.IsPresent(message, input.Recipient))
                    {
                        SieveLog.RedirectLoop(_logger, input.Target.UserId, action.Argument!);
                        return FilterDecision.Keep(input.Target.Mailbox);
                    }

                    // RFC 5228 §10: implementations MUST log use of redirect.
                    SieveLog.Redirected(_logger, input.Target.UserId, input.ReversePath, action.Argument!);

                    // The envelope sender is the implementation's choice: the user (so bounces of the forwarded copy
                    // come back to them and SPF holds at the next hop); the null sender stays null.
                    messages.Add(new FilterMessage(
                        input.ReversePath.Length == 0 ? string.Empty : input.Recipient,
                        action.Argument!,
                        result.EditedMessage is { } edited ? StripReturnPath(edited) : null,
                        RedirectMarker.Field(input.Recipient)));
                    break;
                case SieveActionKind.Reject:
                    reject = action.Argument!;
                    if (input.ReversePath.Length > 0)
                    {
                        messages.Add(new FilterMessage(string.Empty, input.ReversePath, RejectNotice.Compose(message, input.ReversePath, input.Recipient, reject, now)));
                    }

                    break;
                case SieveActionKind.Vacation:
                    if (await VacationAsync(input, message, action.Vacation!, now, cancellationToken).ConfigureAwait(false) is { } reply)
                    {
                        messages.Add(reply);
                    }

                    break;
            }
        }

        if (result.ImplicitKeep)
        {
            copies.Add(Copy(input.Target.Mailbox, result.ImplicitKeepFlags, false, result.EditedMessage));
        }

        return new FilterDecision(copies.DistinctBy(c => c.Mailbox, StringComparer.Ordinal).ToList(), reject, messages);
    }

    private async ValueTask<FilterMessage?> VacationAsync(FilterInput input, SieveMessage message, SieveVacation vacation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (VacationResponder.Refusal(message, input.ReversePath, input.Recipient, vacation) is { } refusal)
        {
            SieveLog.VacationSkipped(_logger, input.Target.UserId, input.ReversePath, refusal);
            return null;
        }

        var period = vacation.Period < _options.MinVacationPeriod ? _options.MinVacationPeriod : vacation.Period;
        if (!await _options.ScriptStore.TryRecordReplyAsync(input.Target.UserId, VacationResponder.Key(input.ReversePath, vacation), now, period, cancellationToken).ConfigureAwait(false))
        {
            SieveLog.VacationSkipped(_logger, input.Target.UserId, input.ReversePath, "already replied within the period");
            return null;
        }

        // RFC 3834 §3.3 / RFC 5230 §5.1: the reply goes from the null reverse-path.
        return new FilterMessage(string.Empty, input.ReversePath, VacationResponder.Compose(message, input.ReversePath, input.Recipient, vacation, now));
    }

    private static FiledCopy Copy(string mailbox, IReadOnlyList<string> flags, bool create, byte[]? content)
    {
        var system = SystemFlags.None;
        var keywords = new List<string>();
        foreach (var flag in flags)
        {
            // RFC 5232 §3: system flags by their IMAP names; anything else that is an IMAP atom is a keyword.
            var known = flag.ToLowerInvariant() switch
            {
                "\\seen" => SystemFlags.Seen,
                "\\answered" => SystemFlags.Answered,
                "\\flagged" => SystemFlags.Flagged,
                "\\deleted" => SystemFlags.Deleted,
                "\\draft" => SystemFlags.Draft,
                _ => SystemFlags.None,
            };
            if (known != SystemFlags.None)
            {
                system |= known;
            }
            else if (flag.Length <= 64 && flag.All(c => c is > ' ' and < '\x7f' and not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']')))
            {
                keywords.Add(flag);
            }
        }

        return new FiledCopy(mailbox, system, keywords, create, content);
    }

    private static byte[] StripReturnPath(byte[] message)
    {
        // The stored form starts with Return-Path; a redirected copy gets a new one at its final delivery.
        if (message.AsSpan().StartsWith("Return-Path:"u8) && message.AsSpan().IndexOf("\r\n"u8) is var end and >= 0)
        {
            return message[(end + 2)..];
        }

        return message;
    }

    private async ValueTask<SieveScript?> LoadAsync(string user, string name, bool global, CancellationToken cancellationToken)
    {
        var text = global
            ? await _options.ScriptStore.GetGlobalAsync(name, cancellationToken).ConfigureAwait(false)
            : await _options.ScriptStore.GetAsync(user, name, cancellationToken).ConfigureAwait(false);
        if (text is null)
        {
            return null;
        }

        var (script, error) = _cache.Get(text);
        return script ?? throw new Grammar.SieveSyntaxException(0, error!);
    }

    private async ValueTask<bool> MailboxExistsAsync(string user, string name, CancellationToken cancellationToken)
    {
        var account = await _context.Store.OpenAccountAsync(user, cancellationToken).ConfigureAwait(false);
        await using (account.ConfigureAwait(false))
        {
            return await account.GetStatusAsync(name, cancellationToken).ConfigureAwait(false) is not null;
        }
    }
}
