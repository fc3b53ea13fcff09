using MailKitServer.Addresses;
using MailKitServer.Users;

namespace MailKitServer.Hostile.Tests.Support;

/// <summary>
/// A directory whose password checks wait at a gate the test opens, so a test sees how many checks are under way at
/// once. Right password: the user name reversed. Knows no keys for SCRAM or CRAM-MD5.
/// </summary>
internal sealed class GatedPasswordDirectory : IUserDirectory
{
    private readonly object _lock = new();
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _underWay;

    /// <summary>The most checks that were under way at once.</summary>
    public int MostAtOnce { get; private set; }

    /// <summary>How many checks are waiting at the gate now.</summary>
    public int UnderWay
    {
        get
        {
            lock (_lock)
            {
                return _underWay;
            }
        }
    }

    /// <summary>Lets every check waiting at the gate, and every later one, go on.</summary>
    public void Open() => _open.TrySetResult();

    /// <summary>Completes once at least <paramref name="count"/> checks wait at the gate.</summary>
    public async Task WaitForUnderWayAsync(int count)
    {
        while (true)
        {
            Task entered;
            lock (_lock)
            {
                if (_underWay >= count)
                {
                    return;
                }

                entered = _entered.Task;
            }

            await entered.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask<AuthenticationResult> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _underWay++;
            MostAtOnce = Math.Max(MostAtOnce, _underWay);
            _entered.TrySetResult();
            _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        try
        {
            await _open.Task.WaitAsync(cancellationToken);
            return password == new string(userName.Reverse().ToArray()) ? AuthenticationResult.Success(userName) : AuthenticationResult.Failed;
        }
        finally
        {
            lock (_lock)
            {
                _underWay--;
            }
        }
    }

    public ValueTask<ScramCredentials?> GetScramCredentialsAsync(string userName, CancellationToken cancellationToken) => ValueTask.FromResult<ScramCredentials?>(null);

    public ValueTask<CramMd5Credentials?> GetCramMd5CredentialsAsync(string userName, CancellationToken cancellationToken) => ValueTask.FromResult<CramMd5Credentials?>(null);

    public ValueTask<RecipientResolution> ResolveAsync(MailAddress address, CancellationToken cancellationToken) => throw new NotSupportedException("Only passwords are checked here.");

    public ValueTask<bool> IsLocalDomainAsync(string domain, CancellationToken cancellationToken) => ValueTask.FromResult(false);
}
