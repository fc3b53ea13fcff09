using MailKitServer.Runtime;

namespace MailKitServer.Tests.Runtime;

/// <summary>
/// Writes a long response in pieces as a FETCH over many messages does, calling
/// <see cref="MailConnection.FlushWhenFullAsync"/> between them, then waits for <see cref="Release"/> before it ends
/// the response: what reaches the client before the release was sent by those calls alone.
/// </summary>
internal sealed class StreamingHandler : IConnectionHandler
{
    public const int Pieces = 60; // 245,760 octets: three full chunks and part of a fourth
    public const int PieceSize = 4096;

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the handler write its last line and flush.</summary>
    public void Release() => _release.TrySetResult();

    public async Task HandleAsync(MailConnection connection)
    {
        var piece = new byte[PieceSize];
        Array.Fill(piece, (byte)'x');
        piece[^2] = (byte)'\r';
        piece[^1] = (byte)'\n';
        for (var i = 0; i < Pieces; i++)
        {
            connection.Write(piece);
            await connection.FlushWhenFullAsync();
        }

        await _release.Task;
        connection.Write("END\r\n");
        await connection.FlushAsync();
    }

    public Task RejectAsync(MailConnection connection, ConnectionRejection reason) => Task.CompletedTask;
}
