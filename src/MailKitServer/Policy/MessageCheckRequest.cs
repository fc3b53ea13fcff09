using MailKitServer.Addresses;

namespace MailKitServer.Policy;

/// <summary>A received message offered to the policy before it is accepted (the anti-spam hook).</summary>
/// <param name="Sender">The reverse-path, or <see langword="null"/> for <c>&lt;&gt;</c>.</param>
/// <param name="Recipients">The accepted recipients.</param>
/// <param name="Size">The message size in octets.</param>
/// <param name="OpenContent">Opens a fresh, read-only stream over the message as received (before trace headers); call it as often as needed.</param>
public sealed record MessageCheckRequest(MailAddress? Sender, IReadOnlyList<MailAddress> Recipients, long Size, Func<Stream> OpenContent);
