namespace MailKitServer.Web.Api;

/// <summary>One page of a message list, newest first.</summary>
/// <param name="Start">The offset of the first message of the page in the whole (filtered) list.</param>
/// <param name="Total">How many messages match, or <see langword="null"/> for a search that stopped once the page was full.</param>
/// <param name="More">Whether messages follow this page.</param>
/// <param name="Messages">The page.</param>
internal sealed record MessagePage(int Start, int? Total, bool More, IReadOnlyList<MessageSummary> Messages);
