namespace MailKitServer.Web.Api;

/// <summary>One leaf MIME part of a message; its content is at <c>/api/v1/messages/{id}/parts/{Index}</c>.</summary>
/// <param name="Index">The part's position among the message's leaf parts (depth first).</param>
/// <param name="ContentType">The media type.</param>
/// <param name="FileName">The file name made safe to save (no directories, no control characters), or <see langword="null"/>.</param>
/// <param name="ContentId">The Content-ID without angle brackets (what <c>cid:</c> URLs name), or <see langword="null"/>.</param>
/// <param name="IsAttachment">Whether the part is an attachment rather than a body.</param>
/// <param name="Size">The decoded size in octets.</param>
internal sealed record PartInfo(int Index, string ContentType, string? FileName, string? ContentId, bool IsAttachment, long Size);
