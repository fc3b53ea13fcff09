using MailKitServer.Runtime;
using Xunit;

namespace MailKitServer.Tests.Runtime;

public sealed class ThreadPoolHopTests
{
    [Fact]
    public async Task Code_on_a_dedicated_thread_continues_on_the_thread_pool()
    {
        // A socket engine's thread is a dedicated thread, as these are: the code after the hop must never stay on it,
        // however the threads are scheduled (the hop once finished on the pool before its caller awaited it, and the
        // caller then went on where it was: 3 runs in 15 under load). Many rounds give that race its chances.
        for (var round = 0; round < 200; round++)
        {
            var done = new TaskCompletionSource<Task<(bool Before, bool After)>>(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() => done.SetResult(HopFromHereAsync()));
            thread.Start();
            var (onPoolBefore, onPoolAfter) = await await done.Task;
            Assert.False(onPoolBefore);
            Assert.True(onPoolAfter, $"round {round}");
        }
    }

    private static async Task<(bool Before, bool After)> HopFromHereAsync()
    {
        var before = Thread.CurrentThread.IsThreadPoolThread;
        await ThreadPoolHop.LeaveSocketThreadAsync().ConfigureAwait(false);
        return (before, Thread.CurrentThread.IsThreadPoolThread);
    }

    [Fact]
    public async Task The_execution_context_flows_across_the_hop()
    {
        var local = new AsyncLocal<string>();
        var done = new TaskCompletionSource<Task<string?>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            local.Value = "session 7";
            done.SetResult(ReadAfterHopAsync(local));
        });
        thread.Start();
        Assert.Equal("session 7", await await done.Task);
    }

    private static async Task<string?> ReadAfterHopAsync(AsyncLocal<string> local)
    {
        await ThreadPoolHop.LeaveSocketThreadAsync().ConfigureAwait(false);
        return local.Value;
    }

    [Fact]
    public async Task On_the_thread_pool_it_completes_at_once()
    {
        var completed = await Task.Run(() => ThreadPoolHop.LeaveSocketThreadAsync().IsCompleted);
        Assert.True(completed);
    }
}
