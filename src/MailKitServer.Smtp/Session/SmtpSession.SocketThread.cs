using MailKitServer.Policy;
using MailKitServer.Runtime;

namespace MailKitServer.Smtp.Session;

/// <summary>Leaving a socket engine's thread before the seams that answer the greeting and the envelope.</summary>
internal sealed partial class SmtpSession
{
    private bool? _policyMayBlock;
    private bool? _recipientMayBlock;

    /// <summary>
    /// Moves the session to the thread pool before the connect, HELO and MAIL stages when the policy is not the default
    /// one (the embedding application's own code may query a database or a file). With inline socket completions a
    /// command runs on the socket engine's thread, which serves every other socket of that engine (issue 24). With the
    /// default policy nothing moves: a hop costs two context switches.
    /// </summary>
    /// <returns>A task that completes on a thread-pool thread, or at once when the policy is the default one.</returns>
    private ValueTask LeaveSocketThreadIfPolicyMayBlockAsync() =>
        PolicyMayBlock ? ThreadPoolHop.LeaveSocketThreadAsync() : default;

    /// <summary>
    /// Moves the session to the thread pool before RCPT calls the user directory, the policy and the greylist store
    /// when one of them may block (<see cref="IBlockingHint"/>): a directory in a database, greylisting records in a
    /// file, which a RCPT appends to and now and then rewrites with an fsync.
    /// </summary>
    /// <returns>A task that completes on a thread-pool thread, or at once when every one of them keeps to memory.</returns>
    private ValueTask LeaveSocketThreadIfRecipientMayBlockAsync() =>
        RecipientMayBlock ? ThreadPoolHop.LeaveSocketThreadAsync() : default;

    private bool PolicyMayBlock => _policyMayBlock ??= _context.Policy.GetType() != typeof(DeliveryPolicy);

    private bool RecipientMayBlock => _recipientMayBlock ??=
        PolicyMayBlock
        || IBlockingHint.Of(_context.Directory)
        || (_options.Screening?.Greylisting is { } greylisting && IBlockingHint.Of(greylisting.Store));
}
