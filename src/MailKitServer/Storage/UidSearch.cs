namespace MailKitServer.Storage;

/// <summary>Finds a message by UID in a list kept in ascending UID order (stores and protocol views keep theirs so).</summary>
internal static class UidSearch
{
    /// <summary>Binary search by UID.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items, by ascending UID.</param>
    /// <param name="uid">The UID sought.</param>
    /// <param name="uidOf">Reads an item's UID.</param>
    /// <returns>The index, or -1.</returns>
    public static int IndexOf<T>(IReadOnlyList<T> items, uint uid, Func<T, uint> uidOf)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(uidOf);
        int lo = 0, hi = items.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var u = uidOf(items[mid]);
            if (u == uid)
            {
                return mid;
            }

            if (u < uid)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }
}
