namespace MailKitServer.Web.Events;

/// <summary>The data of a <c>message-flags</c> event.</summary>
internal sealed record FlagsChanged(string Id, bool Read, IReadOnlyList<string> Flags);
