using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Hostile.Tests.Support;

/// <summary>A logger factory that keeps every entry (all levels, transcripts included) for the test to inspect.</summary>
/// <param name="keepFrom">The lowest level kept; every level is still enabled (so the server formats its Trace transcript).</param>
internal sealed class CapturingLoggerFactory(LogLevel keepFrom = LogLevel.Trace) : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly LogLevel _keepFrom = keepFrom;

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>Entries at Error or above, and any entry carrying an exception: what a hostile client must never cause.</summary>
    public IReadOnlyList<LogEntry> Failures => _entries.Where(e => e.Level >= LogLevel.Error || e.Exception is not null).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (logLevel >= owner._keepFrom || exception is not null)
            {
                owner._entries.Enqueue(new LogEntry(logLevel, category, eventId.Id, message, exception));
            }
        }
    }
}

/// <summary>One captured log entry.</summary>
internal sealed record LogEntry(LogLevel Level, string Category, int EventId, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}[{EventId}] {Message}{(Exception is null ? string.Empty : " " + Exception)}";
}
