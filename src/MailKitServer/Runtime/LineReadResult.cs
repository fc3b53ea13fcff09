namespace MailKitServer.Runtime;

/// <summary>The result of <see cref="MailConnection.ReadLineAsync"/>. <see cref="Line"/> is valid until the next read.</summary>
/// <param name="Status">How the read ended.</param>
/// <param name="Line">The line without its terminator, in a buffer the connection reuses.</param>
/// <param name="EndedWithCrLf">Whether the line ended with CRLF rather than a bare LF.</param>
internal readonly record struct LineReadResult(LineReadStatus Status, ReadOnlyMemory<byte> Line, bool EndedWithCrLf);
