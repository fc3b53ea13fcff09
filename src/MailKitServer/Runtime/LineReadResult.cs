namespace MailKitServer.Runtime;

/// <summary>The result of <see cref="MailConnection.ReadLineAsync"/>. <see cref="Line"/> is valid until the next read.</summary>
/// <param name="Status">How the read ended.</param>
/// <param name="Line">
/// The line without its terminator, in a buffer the connection reuses. For <see cref="LineReadStatus.TooLong"/>, the
/// first octets of the discarded line (up to 256), so a protocol can answer with the command's tag.
/// </param>
/// <param name="EndedWithCrLf">Whether the line ended with CRLF rather than a bare LF.</param>
internal readonly record struct LineReadResult(LineReadStatus Status, ReadOnlyMemory<byte> Line, bool EndedWithCrLf)
{
    /// <summary>
    /// For <see cref="LineReadStatus.TooLong"/>, the last octets of the discarded line before its terminator (up to
    /// 32), so a protocol can see a literal announced at its end (IMAP <c>{n}</c>); empty otherwise.
    /// </summary>
    public ReadOnlyMemory<byte> Tail { get; init; }
}
