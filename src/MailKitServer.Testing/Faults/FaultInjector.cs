using System.Collections.Concurrent;
using MailKitServer.Policy;
using MailKitServer.Replies;

namespace MailKitServer.Testing.Faults;

/// <summary>
/// Arms faults in the sandbox's SMTP engine so a test can check its sender's retry logic: refuse a stage with any
/// reply, delay it, drop the connection, or greylist (a temporary failure for the first try of each sender and
/// recipient pair, success afterwards). Faults fire a given number of times (default once) or always.
/// </summary>
public sealed class FaultInjector : IDeliveryPolicy
{
    private readonly IDeliveryPolicy _inner;
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly ConcurrentDictionary<string, byte> _greylistSeen = new(StringComparer.OrdinalIgnoreCase);
    private volatile bool _greylisting;

    internal FaultInjector(IDeliveryPolicy inner) => _inner = inner;

    /// <summary>The faults armed so far (fired ones included).</summary>
    public IReadOnlyList<Fault> Armed => _faults.ToArray();

    /// <summary>Answers a stage with a reply, e.g. <c>Refuse(SmtpStage.RcptTo, 450, "4.2.1 Mailbox busy")</c>.</summary>
    /// <param name="stage">Where.</param>
    /// <param name="code">A 4xx or 5xx code.</param>
    /// <param name="text">The text, starting with an enhanced status code if wanted (e.g. "4.7.1 Try later").</param>
    /// <param name="times">How many times; -1 for always.</param>
    /// <param name="recipient">For RCPT TO: only this recipient.</param>
    /// <returns>The fault.</returns>
    public Fault Refuse(SmtpStage stage, int code, string text, int times = 1, string? recipient = null) =>
        Add(new Fault(stage, FaultKind.Refuse, ReplyOf(code, text), TimeSpan.Zero, recipient, times));

    private static SmtpReply ReplyOf(int code, string text)
    {
        if (code is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "A refusal needs a 4xx or 5xx code.");
        }

        ArgumentNullException.ThrowIfNull(text);
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && EnhancedStatusCode.TryParse(text.AsSpan(0, space), out var status)
            ? new SmtpReply(code, status, text[(space + 1)..])
            : new SmtpReply(code, (EnhancedStatusCode?)null, text);
    }

    /// <summary>
    /// Refuses a stage at random, always armed, like Mailpit's chaos triggers: e.g. <c>Chaos(SmtpStage.RcptTo, 0.3, 451,
    /// "4.3.0 Try again")</c> answers about one RCPT in three with 451.
    /// </summary>
    /// <param name="stage">Where.</param>
    /// <param name="probability">The chance of a refusal each time the stage comes, from 0 (never) to 1 (always).</param>
    /// <param name="code">A 4xx or 5xx code.</param>
    /// <param name="text">The text, starting with an enhanced status code if wanted.</param>
    /// <returns>The fault.</returns>
    public Fault Chaos(SmtpStage stage, double probability, int code, string text)
    {
        if (double.IsNaN(probability) || probability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability is between 0 and 1.");
        }

        return Add(new Fault(stage, FaultKind.Refuse, ReplyOf(code, text), TimeSpan.Zero, null, -1) { Probability = probability });
    }

    /// <summary>Waits before a stage goes on (to test a sender's time-outs).</summary>
    /// <param name="stage">Where.</param>
    /// <param name="delay">How long.</param>
    /// <param name="times">How many times; -1 for always.</param>
    /// <returns>The fault.</returns>
    public Fault Delay(SmtpStage stage, TimeSpan delay, int times = 1) => Add(new Fault(stage, FaultKind.Delay, null, delay, null, times));

    /// <summary>Closes the connection at a stage without a reply.</summary>
    /// <param name="stage">Where.</param>
    /// <param name="times">How many times; -1 for always.</param>
    /// <returns>The fault.</returns>
    public Fault Drop(SmtpStage stage, int times = 1) => Add(new Fault(stage, FaultKind.Drop, null, TimeSpan.Zero, null, times));

    /// <summary>
    /// Stores the next message(s), then closes the connection before the 250: the sender sees a failure although
    /// the message arrived, as happens when a network breaks at the worst moment (tests of duplicate handling).
    /// </summary>
    /// <param name="times">How many times; -1 for always.</param>
    /// <returns>The fault.</returns>
    public Fault DropAfterStoring(int times = 1) => Add(new Fault(SmtpStage.Data, FaultKind.DropAfterStoring, null, TimeSpan.Zero, null, times));

    /// <summary>Greylists: the first RCPT of each (sender, recipient) pair gets <c>451 4.7.1</c>, later ones pass.</summary>
    public void Greylist() => _greylisting = true;

    /// <summary>Disarms every fault and greylisting.</summary>
    public void Clear()
    {
        _faults.Clear();
        _greylistSeen.Clear();
        _greylisting = false;
    }

    /// <summary>Called by the sandbox's store once a message is stored: fires a <see cref="FaultKind.DropAfterStoring"/> fault.</summary>
    internal void AfterStoring()
    {
        foreach (var fault in _faults)
        {
            if (fault.Kind == FaultKind.DropAfterStoring && fault.TryFire(SmtpStage.Data, null))
            {
                throw new PolicyDisconnectException("Fault injected after storing the message.");
            }
        }
    }

    private Fault Add(Fault fault)
    {
        _faults.Enqueue(fault);
        return fault;
    }

    private async ValueTask<SmtpReply?> ApplyAsync(SmtpStage stage, string? recipient, CancellationToken cancellationToken)
    {
        foreach (var fault in _faults)
        {
            if (fault.Kind == FaultKind.DropAfterStoring || !fault.TryFire(stage, recipient))
            {
                continue;
            }

            switch (fault.Kind)
            {
                case FaultKind.Refuse:
                    return fault.Reply;
                case FaultKind.Delay:
                    await Task.Delay(fault.Delay, cancellationToken).ConfigureAwait(false);
                    break;
                case FaultKind.Drop:
                    throw new PolicyDisconnectException($"Fault injected at {stage}.");
            }
        }

        return null;
    }

    private async ValueTask<PolicyVerdict> StageAsync(SmtpStage stage, Func<ValueTask<PolicyVerdict>> next, CancellationToken cancellationToken) =>
        await ApplyAsync(stage, null, cancellationToken).ConfigureAwait(false) is { } reply ? PolicyVerdict.Reject(reply) : await next().ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<PolicyVerdict> OnConnectAsync(SessionInfo session, CancellationToken cancellationToken) =>
        StageAsync(SmtpStage.Connect, () => _inner.OnConnectAsync(session, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask<PolicyVerdict> OnHeloAsync(SessionInfo session, string heloName, CancellationToken cancellationToken) =>
        StageAsync(SmtpStage.Helo, () => _inner.OnHeloAsync(session, heloName, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask<PolicyVerdict> OnAuthenticatedAsync(SessionInfo session, CancellationToken cancellationToken) => _inner.OnAuthenticatedAsync(session, cancellationToken);

    /// <inheritdoc />
    public ValueTask<PolicyVerdict> OnMailFromAsync(SessionInfo session, MailFromRequest request, CancellationToken cancellationToken) =>
        StageAsync(SmtpStage.MailFrom, () => _inner.OnMailFromAsync(session, request, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<RecipientVerdict> OnRecipientAsync(SessionInfo session, RecipientRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var recipient = request.Recipient.Address;
        if (await ApplyAsync(SmtpStage.RcptTo, recipient, cancellationToken).ConfigureAwait(false) is { } reply)
        {
            return RecipientVerdict.Reject(reply);
        }

        if (_greylisting && _greylistSeen.TryAdd((request.Sender?.Address ?? string.Empty) + "\n" + recipient, 0))
        {
            return RecipientVerdict.Reject(new SmtpReply(451, "4.7.1", "Greylisted, please try again later"));
        }

        return await _inner.OnRecipientAsync(session, request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<PolicyVerdict> OnMessageAsync(SessionInfo session, MessageCheckRequest request, CancellationToken cancellationToken) =>
        StageAsync(SmtpStage.Data, () => _inner.OnMessageAsync(session, request, cancellationToken), cancellationToken);
}
