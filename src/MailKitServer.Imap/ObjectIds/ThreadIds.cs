using System.Security.Cryptography;
using System.Text;
using MailKitServer.Imap.Sorting;

namespace MailKitServer.Imap.ObjectIds;

/// <summary>
/// THREADID (RFC 8474 §5.2), worked out from the message's immutable header, so it never changes once reported and is
/// the same for every message with the same EMAILID (same content, same header): the thread's root is the first id of
/// References (or In-Reply-To's), else the message's own Message-ID, else (no ids at all) its EMAILID. A reply thus
/// shares its thread's id in every mailbox; the id is <c>T</c> and 24 hex digits of the root's SHA-256.
/// </summary>
internal static class ThreadIds
{
    /// <summary>The THREADID of a message.</summary>
    /// <param name="data">The message's header data (SORT/THREAD's, cached).</param>
    /// <param name="emailId">Its EMAILID.</param>
    /// <returns>The id, or <see langword="null"/> when the message has no ids and no EMAILID.</returns>
    public static string? Of(MessageSortData data, string? emailId)
    {
        var root = data.References.Count > 0 ? "<" + data.References[0] + ">" : data.MessageId is { } id ? "<" + id + ">" : emailId;
        return root is null ? null : "T" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..24];
    }
}
