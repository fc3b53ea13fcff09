using System.Diagnostics;

namespace MailKitServer.Hostile.Tests.Support;

/// <summary>The process's memory after a full, compacting collection: the managed heap and the resident set.</summary>
internal readonly record struct ProcessMemory(long ManagedBytes, long ResidentBytes)
{
    public static ProcessMemory Measure()
    {
        for (var i = 0; i < 2; i++)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return new ProcessMemory(GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes, process.WorkingSet64);
    }

    public override string ToString() => $"managed {ManagedBytes / 1024.0 / 1024:F1} MB, RSS {ResidentBytes / 1024.0 / 1024:F1} MB";
}
