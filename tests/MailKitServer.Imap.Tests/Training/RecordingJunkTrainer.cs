using System.Text;

namespace MailKitServer.Imap.Tests.Training;

/// <summary>An <see cref="IJunkTrainer"/> that keeps what it was told (the verdict, the user and the message's subject line), or throws when asked to.</summary>
internal sealed class RecordingJunkTrainer(bool fail = false) : IJunkTrainer
{
    private readonly List<string> _calls = [];

    /// <summary>"spam USER SUBJECT" or "ham USER SUBJECT", in call order.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public ValueTask LearnSpamAsync(string userId, Stream message, CancellationToken cancellationToken) => RecordAsync("spam", userId, message, cancellationToken);

    public ValueTask LearnHamAsync(string userId, Stream message, CancellationToken cancellationToken) => RecordAsync("ham", userId, message, cancellationToken);

    private async ValueTask RecordAsync(string verdict, string userId, Stream message, CancellationToken cancellationToken)
    {
        if (fail)
        {
            throw new InvalidOperationException("the trainer is down");
        }

        using var reader = new StreamReader(message, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        var subject = text.Split("\r\n").First(l => l.StartsWith("Subject: ", StringComparison.Ordinal))["Subject: ".Length..];
        lock (_calls)
        {
            _calls.Add($"{verdict} {userId} {subject}");
        }
    }
}
