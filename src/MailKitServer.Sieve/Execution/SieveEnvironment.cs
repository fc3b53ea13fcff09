using MailKitServer.Sieve.Compilation;

namespace MailKitServer.Sieve.Execution;

/// <summary>What a run sees besides the script: the message, the envelope, the clock and the user's store.</summary>
internal sealed class SieveEnvironment
{
    /// <summary>The message.</summary>
    public required SieveMessage Message { get; init; }

    /// <summary>The envelope sender (RFC 5228 §5.4 "from"), empty for the null reverse-path.</summary>
    public required string EnvelopeFrom { get; init; }

    /// <summary>The envelope recipient (RFC 5228 §5.4 "to").</summary>
    public required string EnvelopeTo { get; init; }

    /// <summary>The time of the run (currentdate, RFC 5260 §5).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The bounds on the run.</summary>
    public SieveLimits Limits { get; init; } = new();

    /// <summary>Loads a script for include (name, global?) or returns <see langword="null"/> when there is none.</summary>
    public Func<string, bool, CancellationToken, ValueTask<SieveScript?>> LoadScript { get; init; } = (_, _, _) => ValueTask.FromResult<SieveScript?>(null);

    /// <summary>Whether a mailbox of the user exists (mailboxexists, RFC 5490 §3.1).</summary>
    public Func<string, CancellationToken, ValueTask<bool>> MailboxExists { get; init; } = (name, _) => ValueTask.FromResult(name.Equals("INBOX", StringComparison.OrdinalIgnoreCase));
}
