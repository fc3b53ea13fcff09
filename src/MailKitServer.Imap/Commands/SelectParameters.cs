using MailKitServer.Imap.Parsing;

namespace MailKitServer.Imap.Commands;

/// <summary>
/// The select-params of SELECT and EXAMINE (RFC 4466 §2.1): CONDSTORE (RFC 7162 §3.1.8) and
/// QRESYNC (uidvalidity modseq [known-uids [(known-sequence-set known-uid-set)]]) (RFC 7162 §3.2.5).
/// </summary>
internal sealed class SelectParameters
{
    /// <summary>Whether CONDSTORE was given.</summary>
    public bool CondStore { get; private init; }

    /// <summary>The QRESYNC parameter, if given.</summary>
    public QResyncParameter? QResync { get; private init; }

    /// <summary>Parses the optional parameter list.</summary>
    /// <param name="list">The list token, or null when there is none.</param>
    /// <param name="parameters">The parameters (none when <paramref name="list"/> is null); undefined when invalid.</param>
    /// <param name="error">Why they are invalid.</param>
    /// <returns>Whether they are valid.</returns>
    public static bool TryParse(ImapToken? list, out SelectParameters parameters, out string? error)
    {
        parameters = new SelectParameters();
        error = null;
        if (list is null)
        {
            return true;
        }

        var condStore = false;
        QResyncParameter? qresync = null;
        var items = list.Items;
        for (var i = 0; i < items.Count; i++)
        {
            var name = items[i].Kind == ImapTokenKind.Atom ? items[i].Text.ToUpperInvariant() : string.Empty;
            if (name == "CONDSTORE" && !condStore)
            {
                condStore = true;
            }
            else if (name == "QRESYNC" && qresync is null && i + 1 < items.Count && items[i + 1].Kind == ImapTokenKind.List)
            {
                if (!QResyncParameter.TryParse(items[++i].Items, out qresync))
                {
                    error = "Invalid QRESYNC parameter";
                    return false;
                }
            }
            else
            {
                error = "Unknown SELECT parameter";
                return false;
            }
        }

        parameters = new SelectParameters { CondStore = condStore, QResync = qresync };
        return true;
    }
}
