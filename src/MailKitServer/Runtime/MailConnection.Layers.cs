using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using MailKitServer.Diagnostics;

namespace MailKitServer.Runtime;

/// <summary>The connection's stream layers: TLS (implicit or STARTTLS/STLS) and DEFLATE compression (IMAP COMPRESS), each with new pipes over it.</summary>
internal sealed partial class MailConnection
{
    /// <summary>Whether the stream is protected by TLS (implicit or after STARTTLS).</summary>
    public bool IsSecure { get; private set; }

    /// <summary>The negotiated TLS protocol, once secure.</summary>
    public SslProtocols? TlsProtocol { get; private set; }

    /// <summary>The negotiated TLS cipher suite, once secure.</summary>
    public TlsCipherSuite? TlsCipherSuite { get; private set; }

    /// <summary>How many octets the client had sent after STARTTLS/STLS before the handshake; they were discarded.</summary>
    public int BytesDiscardedAtTlsUpgrade { get; private set; }

    /// <summary>
    /// Starts TLS on a plain connection after the engine has queued its "go ahead" reply (STARTTLS, STLS). That reply
    /// is flushed first; then every octet the client sent after the command is discarded, never read as a command
    /// after the handshake (RFC 3207 §4.2, RFC 2595 §3.1; the STARTTLS command-injection attack).
    /// </summary>
    /// <returns><see langword="true"/> when the handshake succeeded; otherwise the connection must be closed.</returns>
    public async ValueTask<bool> UpgradeToTlsAsync()
    {
        if (IsSecure)
        {
            throw new InvalidOperationException("The connection is already secure.");
        }

        // The handshake's public-key work: not on a socket engine's thread.
        await ThreadPoolHop.LeaveSocketThreadAsync().ConfigureAwait(false);
        if (!await TryFlushAsync().ConfigureAwait(false))
        {
            return false;
        }

        if (Input.TryRead(out var pending))
        {
            BytesDiscardedAtTlsUpgrade = (int)Math.Min(int.MaxValue, pending.Buffer.Length);
            Input.AdvanceTo(pending.Buffer.End);
            if (BytesDiscardedAtTlsUpgrade > 0)
            {
                RuntimeLog.DiscardedBeforeTls(_logger, Id, BytesDiscardedAtTlsUpgrade);
            }
        }

        await CloseLayerPipesAsync().ConfigureAwait(false);
        return await AuthenticateTlsAsync().ConfigureAwait(false);
    }

    /// <summary>Whether DEFLATE compression (IMAP COMPRESS, RFC 4978) is on.</summary>
    public bool IsCompressed { get; private set; }

    /// <summary>
    /// Turns on raw DEFLATE both ways after the engine has queued its OK (IMAP COMPRESS, RFC 4978 §3): that reply is
    /// flushed uncompressed, and from the next octet on everything is compressed, below TLS when TLS is on (compress,
    /// then encrypt). Octets the client sent after the command are already compressed and are inflated first. What is
    /// inflated meets the same line and literal limits as plain input (see <see cref="DeflateDuplexStream"/>).
    /// </summary>
    /// <returns><see langword="false"/> when the OK could not be sent; the connection must then be closed.</returns>
    public async ValueTask<bool> StartCompressionAsync()
    {
        if (IsCompressed)
        {
            throw new InvalidOperationException("Compression is already on.");
        }

        if (!await TryFlushAsync().ConfigureAwait(false))
        {
            return false;
        }

        byte[] pending = [];
        if (Input.TryRead(out var read))
        {
            pending = System.Buffers.BuffersExtensions.ToArray(read.Buffer);
            Input.AdvanceTo(read.Buffer.End);
        }

        await CloseLayerPipesAsync().ConfigureAwait(false);
        var compressed = new DeflateDuplexStream(_stream, pending);
        _stream = compressed;
        IsCompressed = true;

        // No zero-byte reads here: the inflater holds its window whether or not the pipe holds a buffer.
        (Input, Output) = CreatePipes(compressed, zeroByteReads: false);
        Transcript.Note("DEFLATE compression on");
        return true;
    }

    internal async ValueTask<bool> AuthenticateTlsAsync()
    {
        var ssl = new SslStream(_networkStream, leaveInnerStreamOpen: true);
        using var handshake = new CancellationTokenSource(Server.Options.TlsHandshakeTimeout, Server.TimeProvider);
        using var link = _abort.Register(static s => ((CancellationTokenSource)s!).Cancel(), handshake);
        try
        {
            var options = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = Server.CertificateContext,
                ClientCertificateRequired = false,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            };
            await ssl.AuthenticateAsServerAsync(options, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            RuntimeLog.TlsHandshakeFailed(_logger, Id, RemoteEndPoint, ex.Message);
            await ssl.DisposeAsync().ConfigureAwait(false);
            return false;
        }

        _stream = ssl;
        IsSecure = true;
        TlsProtocol = ssl.SslProtocol;
        TlsCipherSuite = ssl.NegotiatedCipherSuite;
        (Input, Output) = CreatePipes(ssl);
        Transcript.Note($"TLS established: {ssl.SslProtocol} {ssl.NegotiatedCipherSuite}");
        return true;
    }

    // Zero-byte reads: an idle connection waits without holding a buffer (10,000 IDLE clients cost no 4 KB each). The
    // buffers are small for command lines and large for bulk data (ConnectionBufferPool). The output holds arrays only
    // between a write and its flush (ConnectionOutput).
    private (PipeReader, PipeWriter) CreatePipes(Stream stream, bool zeroByteReads = true) =>
        (PipeReader.Create(stream, new StreamPipeReaderOptions(pool: _inputBuffers, bufferSize: ConnectionBufferPool.SmallSize, minimumReadSize: 4096, leaveOpen: true, useZeroByteReads: zeroByteReads)),
         new ConnectionOutput(stream));

    /// <summary>Ends the pipes over the current stream before a layer goes on top of it; the framing starts over.</summary>
    private async ValueTask CloseLayerPipesAsync()
    {
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);
        _hasBufferedInput = false;
        _framing.Reset();
    }
}
