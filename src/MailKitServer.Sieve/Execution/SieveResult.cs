namespace MailKitServer.Sieve.Execution;

/// <summary>The outcome of a run.</summary>
/// <param name="Actions">The actions taken, in order (duplicates of keep/fileinto folded).</param>
/// <param name="ImplicitKeep">Whether the implicit keep still stands (RFC 5228 §2.10.2).</param>
/// <param name="ImplicitKeepFlags">The flags the implicit keep stores with (RFC 5232 §3).</param>
/// <param name="Error">The runtime error, if the run failed (then the message must be kept, RFC 5228 §2.10.6).</param>
/// <param name="EditedMessage">The message after editheader changes, or <see langword="null"/> when unchanged.</param>
internal sealed record SieveResult(IReadOnlyList<SieveAction> Actions, bool ImplicitKeep, IReadOnlyList<string> ImplicitKeepFlags, string? Error, byte[]? EditedMessage);
