namespace MailKitServer.Runtime;

/// <summary>
/// A seam that knows whether its work can wait on I/O (a disk, a database, the network) or run long. Engines leave a
/// socket engine's thread (<see cref="ThreadPoolHop"/>) before work that may; a seam without this hint is assumed to.
/// Only our in-memory seams say they do not: with inline socket completions their work then runs where the read
/// completed, without two context switches per message.
/// </summary>
internal interface IBlockingHint
{
    /// <summary>Whether a call may wait on I/O or run long.</summary>
    bool MayBlock { get; }

    /// <summary>Whether <paramref name="seam"/> (absent: no work) may block: only a seam that says it does not is trusted.</summary>
    static bool Of(object? seam) => seam is not null && seam is not IBlockingHint { MayBlock: false };
}
