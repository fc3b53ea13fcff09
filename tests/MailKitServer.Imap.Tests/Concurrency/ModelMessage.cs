namespace MailKitServer.Imap.Tests.Concurrency;

/// <summary>One message as a <see cref="ModelClient"/> knows it: its UID (0 until a FETCH told it) and flags (null until told).</summary>
internal sealed class ModelMessage
{
    public uint Uid { get; set; }

    public HashSet<string>? Flags { get; set; }
}
