namespace MailKitServer.Web.Tests;

/// <summary>
/// Tests that measure latency run alone in this assembly: not beside the Chromium test or the Python parser, which
/// would compete for the same two cores and measure the machine instead of the server.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
