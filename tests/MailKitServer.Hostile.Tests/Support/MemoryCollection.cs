namespace MailKitServer.Hostile.Tests.Support;

/// <summary>Tests that measure the process's memory run alone, after the others: nothing else allocates meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "Memory";
}
