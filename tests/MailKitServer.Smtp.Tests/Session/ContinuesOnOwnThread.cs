using System.Threading.Tasks.Sources;

namespace MailKitServer.Smtp.Tests.Session;

/// <summary>
/// A result that is pending until awaited and then resumes its awaiter on a new thread of its own, not a thread-pool
/// thread: as a socket engine's thread resumes a session with inline socket completions. A session resumed there runs
/// its next pipelined command on that thread too, which is where the engines must leave it before work that may block.
/// </summary>
/// <typeparam name="T">The result's type.</typeparam>
/// <param name="result">The result.</param>
/// <param name="after">What the new thread waits for before it resumes the awaiter (the client's next commands sent).</param>
internal sealed class ContinuesOnOwnThread<T>(T result, Task? after = null) : IValueTaskSource<T>
{
    /// <summary>The result as a task, to be awaited once.</summary>
    public ValueTask<T> Task => new(this, 0);

    public ValueTaskSourceStatus GetStatus(short token) => ValueTaskSourceStatus.Pending;

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        new Thread(() =>
        {
            after?.Wait();
            continuation(state);
        })
        { IsBackground = true, Name = "not a pool thread" }.Start();

    public T GetResult(short token) => result;
}
