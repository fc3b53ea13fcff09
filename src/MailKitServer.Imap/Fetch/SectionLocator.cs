using MailKitServer.Imap.Structure;

namespace MailKitServer.Imap.Fetch;

/// <summary>
/// Where a BODY[section] lies in the stored message: every section is a byte range of the message (RFC 9051
/// §6.4.5); HEADER.FIELDS(.NOT) is the header range, filtered afterwards. A part that does not exist is an empty range.
/// </summary>
internal static class SectionLocator
{
    /// <summary>The [From, To) range a section names within a message of <paramref name="size"/> octets.</summary>
    /// <param name="root">The message's structure.</param>
    /// <param name="size">The message size.</param>
    /// <param name="section">The section: which part, and which of it (HEADER, TEXT, MIME, header fields, or all of it).</param>
    /// <returns>The range; empty when the part does not exist.</returns>
    public static (long From, long To) Locate(StructurePart root, long size, BodySection section)
    {
        var entity = Find(root, section.Part);
        if (entity is null)
        {
            return (0, 0);
        }

        (long, long) Range(long from, long to) => (Math.Min(from, size), Math.Min(Math.Max(from, to), size));
        var numbered = section.Part.Count > 0;
        if (section.Spec == SectionSpec.Whole)
        {
            return numbered ? Range(entity.BodyOffset, entity.EndOffset) : Range(0, size);
        }

        if (section.Spec == SectionSpec.Mime)
        {
            return Range(entity.HeaderOffset, entity.BodyOffset);
        }

        // For a part, HEADER and TEXT refer to the message inside a message/rfc822 part.
        var target = numbered ? entity.Message : root;
        if (target is null)
        {
            return (0, 0);
        }

        return section.Spec == SectionSpec.Text ? Range(target.BodyOffset, target.EndOffset) : Range(target.HeaderOffset, target.BodyOffset);
    }

    /// <summary>The entity a part path names: the message itself for an empty path; null when there is none.</summary>
    /// <param name="root">The message's structure.</param>
    /// <param name="part">The part numbers.</param>
    /// <returns>The entity, or null.</returns>
    public static StructurePart? Find(StructurePart root, IReadOnlyList<uint> part)
    {
        if (part.Count == 0)
        {
            return root;
        }

        // A part number above int.MaxValue names no part of any message this server can hold.
        if (part.Any(n => n > int.MaxValue))
        {
            return null;
        }

        return root.FindPart(part.Select(n => (int)n).ToList());
    }
}
