using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using MailKitServer.Runtime;
using MailKitServer.Sieve.Compilation;
using MailKitServer.Sieve.Diagnostics;
using MailKitServer.Sieve.Execution;
using MailKitServer.Storage;
using Microsoft.Extensions.Logging;

namespace MailKitServer.Sieve.ManageSieve;

/// <summary>
/// One ManageSieve connection (RFC 5804): capabilities, STARTTLS, AUTHENTICATE with the server's SASL mechanisms,
/// then the script commands against the user's scripts in the <see cref="Scripts.ISieveScriptStore"/>.
/// </summary>
internal sealed partial class ManageSieveSession
{
    private const int MaxErrors = 10;
    private readonly MailConnection _connection;
    private readonly MailServerContext _context;
    private readonly SieveOptions _options;
    private readonly SieveScriptCache _cache;
    private string? _userId;
    private int _errors;

    public ManageSieveSession(MailConnection connection, MailServerContext context, SieveOptions options, SieveScriptCache cache)
    {
        _connection = connection;
        _context = context;
        _options = options;
        _cache = cache;
    }

    /// <summary>Runs the session until LOGOUT, an error limit or the connection ends.</summary>
    /// <returns>A task that completes when the session is over.</returns>
    public async Task RunAsync()
    {
        _connection.IdleTimeout = TimeSpan.FromMinutes(5);
        WriteCapabilities();
        _connection.Write("OK \"MailKitServer ManageSieve ready\"\r\n");
        while (true)
        {
            var (status, command, error) = await ReadAsync(response: false).ConfigureAwait(false);
            switch (status)
            {
                case ManageSieveParseResult.Command:
                    await ThreadPoolHop.LeaveSocketThreadAsync().ConfigureAwait(false);
                    if (!await TryDispatchAsync(command!).ConfigureAwait(false))
                    {
                        await _connection.FlushAsync().ConfigureAwait(false);
                        return;
                    }

                    break;
                case ManageSieveParseResult.SyntaxError:
                    if (!Error($"NO \"Syntax error: {error}\"\r\n"))
                    {
                        await _connection.FlushAsync().ConfigureAwait(false);
                        return;
                    }

                    break;
                case ManageSieveParseResult.LiteralTooLarge:
                    // The octets were drained: the session is still in step with the client.
                    _connection.Write($"NO (QUOTA/MAXSIZE) \"Scripts are limited to {_options.MaxScriptSize} octets\"\r\n");
                    break;
                default:
                    if (status == ManageSieveParseResult.LineTooLong)
                    {
                        _connection.Write("BYE \"Line too long\"\r\n");
                        await _connection.FlushAsync().ConfigureAwait(false);
                    }

                    return;
            }
        }
    }

    private async ValueTask<bool> TryDispatchAsync(ManageSieveCommand command)
    {
        try
        {
            return await DispatchAsync(command).ConfigureAwait(false);
        }
        catch (StoreUnavailableException ex)
        {
            // RFC 5804 §1.3: TRYLATER, a temporary failure; the session stays usable.
            SieveLog.StoreUnavailable(_context.LoggerFactory.CreateLogger("MailKitServer.ManageSieve"), _connection.Id, ex.Message);
            _connection.Write("NO (TRYLATER) \"The script store is unavailable; try again later\"\r\n");
            return true;
        }
    }

    private bool Error(string reply)
    {
        _connection.Write(reply);
        if (++_errors < MaxErrors)
        {
            return true;
        }

        _connection.Write("BYE \"Too many errors\"\r\n");
        return false;
    }

    /// <summary>
    /// Reads one command or SASL response. Returns NeedMoreData as the status when the connection ended; a too
    /// large literal is drained (with the rest of its line) before LiteralTooLarge is returned.
    /// </summary>
    private async ValueTask<(ManageSieveParseResult Status, ManageSieveCommand? Command, string? Error)> ReadAsync(bool response)
    {
        long drain = 0;
        var draining = false;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _connection.ReadAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or MailConnectionTimeoutException or OperationCanceledException)
            {
                return (ManageSieveParseResult.NeedMoreData, null, null);
            }

            var buffer = result.Buffer;
            if (draining)
            {
                var skip = Math.Min(drain, buffer.Length);
                drain -= skip;
                var rest = buffer.Slice(skip);
                var lf = drain == 0 ? rest.PositionOf((byte)'\n') : null;
                if (lf is { } end)
                {
                    _connection.Input.AdvanceTo(rest.GetPosition(1, end));
                    return (ManageSieveParseResult.LiteralTooLarge, null, null);
                }

                _connection.Input.AdvanceTo(rest.End);
                if (result.IsCompleted)
                {
                    return (ManageSieveParseResult.NeedMoreData, null, null);
                }

                continue;
            }

            var reader = new SequenceReader<byte>(buffer);
            var status = ManageSieveParser.TryParse(ref reader, _options.MaxScriptSize, response, out var command, out var error, out var literal);
            if (status == ManageSieveParseResult.NeedMoreData)
            {
                _connection.Input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return (status, null, null);
                }

                continue;
            }

            _connection.Input.AdvanceTo(reader.Position);
            if (status == ManageSieveParseResult.LiteralTooLarge)
            {
                if (literal > 64L * _options.MaxScriptSize)
                {
                    // Not worth draining: say so and end the session.
                    _connection.Write("BYE (QUOTA/MAXSIZE) \"Literal far too large\"\r\n");
                    await _connection.FlushAsync().ConfigureAwait(false);
                    return (ManageSieveParseResult.NeedMoreData, null, null);
                }

                draining = true;
                drain = literal;
                continue;
            }

            return (status, command, error);
        }
    }

    private void WriteCapabilities()
    {
        // RFC 5804 §1.7: the capability lines, each a quoted name and value.
        var sb = new StringBuilder();
        sb.Append("\"IMPLEMENTATION\" \"MailKitServer\"\r\n");
        sb.Append("\"SASL\" \"").Append(string.Join(' ', Sasl.SaslMechanisms.Advertised(_connection))).Append("\"\r\n");
        sb.Append("\"SIEVE\" \"").Append(string.Join(' ', SieveCapabilities.All)).Append("\"\r\n");
        if (!_connection.IsSecure)
        {
            sb.Append("\"STARTTLS\"\r\n");
        }

        sb.Append("\"MAXREDIRECTS\" \"").Append(_options.MaxRedirects).Append("\"\r\n");
        sb.Append("\"UNAUTHENTICATE\"\r\n");
        if (_userId is not null)
        {
            sb.Append("\"OWNER\" ").Append(Quote(_userId)).Append("\r\n");
        }

        sb.Append("\"VERSION\" \"1.0\"\r\n");
        _connection.Write(sb.ToString());
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => $"{{{Encoding.UTF8.GetByteCount(text)}}}\r\n{text}";

    /// <summary>A human-readable reason, quoted, or as a literal when it spans lines (RFC 5804 §4).</summary>
    private static string Text(string text) => text.Contains('\n') || text.Contains('\r') || text.Length > 1000 ? Literal(text) : Quote(text);
}
