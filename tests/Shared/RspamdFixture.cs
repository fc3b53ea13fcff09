namespace MailKitServer.TestSupport;

/// <summary>One rspamd (and its redis) for the tests of a class: it takes 20-30 s to start.</summary>
public sealed class RspamdFixture : IAsyncLifetime
{
    private Rspamd? _rspamd;

    public Rspamd Rspamd => _rspamd ?? throw new InvalidOperationException("rspamd is not started");

    public async Task InitializeAsync() => _rspamd = await Rspamd.StartAsync();

    public async Task DisposeAsync()
    {
        if (_rspamd is not null)
        {
            await _rspamd.DisposeAsync();
        }
    }
}
