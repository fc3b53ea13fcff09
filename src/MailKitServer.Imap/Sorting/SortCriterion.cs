namespace MailKitServer.Imap.Sorting;

/// <summary>One sort criterion: a key, ascending or reversed (RFC 5256 sort-criterion).</summary>
/// <param name="Field">The key.</param>
/// <param name="Reverse">Whether REVERSE came before it: descending for this key only.</param>
internal readonly record struct SortCriterion(SortField Field, bool Reverse);
