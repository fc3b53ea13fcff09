using System.Net;

namespace MailKitServer.Hostile.Tests.Fuzz;

/// <summary>One listener under fuzz: where it listens, the transcripts to mutate, and a line sent unmutated first (IMAP LOGIN).</summary>
/// <param name="Name">The listener's name, for the report.</param>
/// <param name="EndPoint">Where it listens.</param>
/// <param name="Seeds">Real client transcripts of its protocol.</param>
/// <param name="Prelude">A command sent and answered OK before the fuzzed input (tag "L"), or null.</param>
internal sealed record FuzzTarget(string Name, IPEndPoint EndPoint, string[][] Seeds, string? Prelude = null);
