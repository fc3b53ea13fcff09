using MailKitServer.Replies;

namespace MailKitServer.Testing.Faults;

/// <summary>One armed fault: where it fires, what it does, and how many more times.</summary>
public sealed class Fault
{
    private int _remaining;

    internal Fault(SmtpStage stage, FaultKind kind, SmtpReply? reply, TimeSpan delay, string? recipient, int times)
    {
        Stage = stage;
        Kind = kind;
        Reply = reply;
        Delay = delay;
        Recipient = recipient;
        _remaining = times;
    }

    /// <summary>The stage.</summary>
    public SmtpStage Stage { get; }

    /// <summary>What it does.</summary>
    public FaultKind Kind { get; }

    /// <summary>The reply of a refusal.</summary>
    public SmtpReply? Reply { get; }

    /// <summary>The wait of a delay.</summary>
    public TimeSpan Delay { get; }

    /// <summary>The only recipient it applies to (RCPT TO), or null for all.</summary>
    public string? Recipient { get; }

    /// <summary>How many more times it fires; negative means always.</summary>
    public int Remaining => Volatile.Read(ref _remaining);

    /// <summary>How many times it fired.</summary>
    public int Fired { get; private set; }

    /// <summary>
    /// The chance (0 to 1) that the fault fires when its stage comes, as Mailpit's chaos triggers have; 1, the default,
    /// fires every time until <see cref="Remaining"/> runs out. A stage the dice spare does not use up a time.
    /// </summary>
    public double Probability { get; internal init; } = 1;

    internal bool TryFire(SmtpStage stage, string? recipient)
    {
        if (stage != Stage || (Recipient is not null && !string.Equals(Recipient, recipient, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (Probability < 1 && Random.Shared.NextDouble() >= Probability)
        {
            return false;
        }

        while (true)
        {
            var left = Volatile.Read(ref _remaining);
            if (left == 0)
            {
                return false;
            }

            if (left < 0 || Interlocked.CompareExchange(ref _remaining, left - 1, left) == left)
            {
                Fired++;
                return true;
            }
        }
    }
}
