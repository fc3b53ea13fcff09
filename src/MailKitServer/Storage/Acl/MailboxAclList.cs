namespace MailKitServer.Storage.Acl;

/// <summary>Editing an access control list kept as a list of entries (what the stores share).</summary>
internal static class MailboxAclList
{
    /// <summary>Replaces or removes one identifier's entry; an entry with no rights is removed as well.</summary>
    /// <param name="entries">The list, changed in place.</param>
    /// <param name="identifier">The identifier, compared without regard to case.</param>
    /// <param name="rights">The rights, or <see langword="null"/> to remove the entry.</param>
    public static void Set(List<MailboxAclEntry> entries, string identifier, MailboxRights? rights)
    {
        var i = entries.FindIndex(e => e.Identifier.Equals(identifier, StringComparison.OrdinalIgnoreCase));
        if (rights is not { } granted || granted == MailboxRights.None)
        {
            if (i >= 0)
            {
                entries.RemoveAt(i);
            }

            return;
        }

        var entry = new MailboxAclEntry(identifier, granted);
        if (i >= 0)
        {
            entries[i] = entry;
        }
        else
        {
            entries.Add(entry);
        }
    }
}
