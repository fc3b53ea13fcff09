using MailKitServer.Addresses;
using MailKitServer.Users;

namespace MailKitServer.Policy;

/// <summary>A RCPT TO command as the policy sees it, with what the directory made of the address.</summary>
/// <param name="Recipient">The forward-path.</param>
/// <param name="Resolution">The directory's resolution of the address.</param>
/// <param name="Sender">The transaction's sender, or <see langword="null"/> for <c>&lt;&gt;</c>.</param>
/// <param name="Parameters">The ESMTP parameters of the command by upper-case keyword.</param>
public sealed record RecipientRequest(MailAddress Recipient, RecipientResolution Resolution, MailAddress? Sender, IReadOnlyDictionary<string, string?> Parameters);
