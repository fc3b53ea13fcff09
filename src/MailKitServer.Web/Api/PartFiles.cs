using System.Text;
using MimeKit;

namespace MailKitServer.Web.Api;

/// <summary>Leaf MIME parts of a message, by index, and file names that are safe to hand to a browser.</summary>
internal static class PartFiles
{
    private const int MaxFileNameLength = 200;

    /// <summary>The message's leaf parts, depth first: the indexes of <see cref="PartInfo.Index"/>.</summary>
    public static List<MimeEntity> Leaves(MimeMessage message) => message.BodyParts.ToList();

    public static string? ContentId(MimeEntity entity) => entity.ContentId?.Trim().Trim('<', '>') is { Length: > 0 } id ? id : null;

    /// <summary>
    /// A file name with no directory part, no control or reserved characters, and no leading dots: what the part calls
    /// itself (<c>../../etc/passwd</c> becomes <c>passwd</c>), or <see langword="null"/> when nothing usable is left.
    /// </summary>
    public static string? SafeFileName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var last = name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        var builder = new StringBuilder(Math.Min(last.Length, MaxFileNameLength));
        foreach (var c in last)
        {
            if (builder.Length == MaxFileNameLength)
            {
                break;
            }

            builder.Append(char.IsControl(c) || c is '"' or '<' or '>' or ':' or '|' or '?' or '*' ? '_' : c);
        }

        var safe = builder.ToString().Trim().TrimStart('.');
        return safe.Length == 0 ? null : safe;
    }

    /// <summary>The decoded content of a leaf part (a message/rfc822 part as its message).</summary>
    public static async Task WriteAsync(MimeEntity entity, Stream output, CancellationToken cancellationToken)
    {
        switch (entity)
        {
            case MimePart { Content: not null } part:
                await part.Content.DecodeToAsync(output, cancellationToken).ConfigureAwait(false);
                break;
            case MessagePart { Message: not null } rfc822:
                await rfc822.Message.WriteToAsync(output, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    public static async Task<long> SizeAsync(MimeEntity entity, CancellationToken cancellationToken)
    {
        await using var counter = new CountingStream();
        await WriteAsync(entity, counter, cancellationToken).ConfigureAwait(false);
        return counter.Length;
    }

    public static PartInfo Describe(int index, MimeEntity entity, long size)
    {
        var fileName = SafeFileName(entity is MimePart part ? part.FileName : entity.ContentType.Name);
        var isAttachment = entity.IsAttachment || (fileName is not null && entity.ContentId is null) || entity is MessagePart;
        return new PartInfo(index, entity.ContentType.MimeType, fileName, ContentId(entity), isAttachment, size);
    }
}
