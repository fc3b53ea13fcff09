using MailKitServer.Runtime;
using Xunit;

namespace MailKitServer.Tests.Runtime;

public sealed class ThreadPoolHopTests
{
    [Fact]
    public async Task Code_on_a_dedicated_thread_continues_on_the_thread_pool()
    {
        // A socket engine's thread is a dedicated thread, as this one is: the code after the hop must not stay on it.
        var done = new TaskCompletionSource<Task<(bool Before, bool After)>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => done.SetResult(HopFromHereAsync()));
        thread.Start();
        var (onPoolBefore, onPoolAfter) = await await done.Task;
        Assert.False(onPoolBefore);
        Assert.True(onPoolAfter);
    }

    private static async Task<(bool Before, bool After)> HopFromHereAsync()
    {
        var before = Thread.CurrentThread.IsThreadPoolThread;
        await ThreadPoolHop.LeaveSocketThreadAsync();
        return (before, Thread.CurrentThread.IsThreadPoolThread);
    }

    [Fact]
    public async Task On_the_thread_pool_it_completes_at_once()
    {
        var completed = await Task.Run(() => ThreadPoolHop.LeaveSocketThreadAsync().IsCompleted);
        Assert.True(completed);
    }
}
