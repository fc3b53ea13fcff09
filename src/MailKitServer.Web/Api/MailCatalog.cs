using MailKitServer.Runtime;
using MailKitServer.Storage;
using MailKitServer.Users.InMemory;
using MimeKit;

namespace MailKitServer.Web.Api;

/// <summary>
/// The mail the API shows, read through the store seam (any <see cref="IMessageStore"/>): lists page through the
/// store's metadata and read the content of only the messages on the page (their headers, at most
/// <see cref="HeaderReadLimit"/> octets each); a search reads one message at a time and stops once the page is full.
/// </summary>
internal sealed class MailCatalog(MailServer server, MailWebOptions options)
{
    /// <summary>The most octets read for a message's header block in a list.</summary>
    public const int HeaderReadLimit = 256 * 1024;

    public MailServer Server => server;

    public IMessageStore Store => server.Context.Store;

    /// <summary>The accounts shown, in order.</summary>
    public IReadOnlyList<string> Users()
    {
        var users = options.Users?.Invoke() ?? (server.Context.Directory is InMemoryUserDirectory memory ? memory.Users : []);
        return users.Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public bool IsKnownUser(string user) => Users().Contains(user, StringComparer.OrdinalIgnoreCase);

    public async Task<MessagePage> ListAsync(string? user, string? mailbox, MessageQuery query, int start, int limit, CancellationToken cancellationToken)
    {
        var views = new List<(string User, IMailAccount Account, IMailboxView View)>();
        try
        {
            foreach (var account in await OpenAccountsAsync(user, cancellationToken).ConfigureAwait(false))
            {
                var names = mailbox is not null ? [mailbox] : (await account.ListAsync(cancellationToken).ConfigureAwait(false)).Select(m => m.Name).ToList();
                foreach (var name in names)
                {
                    var view = await account.OpenAsync(name, readOnly: true, cancellationToken).ConfigureAwait(false);
                    if (view is not null)
                    {
                        views.Add((account.UserId, account, view));
                    }
                }
            }

            // Metadata only (UID, date, flags, size): the store holds it for the view anyway. Newest first.
            var candidates = views
                .SelectMany((v, i) => v.View.Messages.Select(m => (View: i, Info: m)))
                .Where(c => (query.After is null || c.Info.InternalDate >= query.After) && (query.Before is null || c.Info.InternalDate < query.Before)
                    && (query.Seen is null || c.Info.Flags.HasFlag(SystemFlags.Seen) == query.Seen) && !c.Info.Flags.HasFlag(SystemFlags.Deleted))
                .OrderByDescending(c => c.Info.InternalDate)
                .ThenByDescending(c => c.Info.Uid);

            var page = new List<MessageSummary>(Math.Min(limit, 64));
            if (!query.NeedsContent)
            {
                var all = candidates.ToList();
                foreach (var (index, info) in all.Skip(start).Take(limit))
                {
                    var v = views[index];
                    page.Add(await SummarizeAsync(v.User, v.View, info, cancellationToken).ConfigureAwait(false));
                }

                return new MessagePage(start, all.Count, start + page.Count < all.Count, page);
            }

            var matched = 0;
            foreach (var (index, info) in candidates)
            {
                var v = views[index];
                var summary = await MatchAsync(v.User, v.View, info, query, cancellationToken).ConfigureAwait(false);
                if (summary is null)
                {
                    continue;
                }

                if (matched++ < start)
                {
                    continue;
                }

                if (page.Count == limit)
                {
                    return new MessagePage(start, null, true, page);
                }

                page.Add(summary);
            }

            return new MessagePage(start, matched, false, page);
        }
        finally
        {
            foreach (var (_, account, view) in views)
            {
                await view.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var account in views.Select(v => v.Account).Distinct())
            {
                await account.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Opens the message an id names, or returns <see langword="null"/> when it is gone (or never was).</summary>
    public async Task<OpenMessage?> OpenAsync(MessageId id, bool readOnly, CancellationToken cancellationToken)
    {
        if (!IsKnownUser(id.User))
        {
            return null;
        }

        var account = await Store.OpenAccountAsync(id.User, cancellationToken).ConfigureAwait(false);
        IMailboxView? view = null;
        try
        {
            view = await account.OpenAsync(id.Mailbox, readOnly, cancellationToken).ConfigureAwait(false);
            var info = view is null || view.Status.UidValidity != id.UidValidity ? null : view.Messages.FirstOrDefault(m => m.Uid == id.Uid);
            if (view is null || info is null)
            {
                if (view is not null)
                {
                    await view.DisposeAsync().ConfigureAwait(false);
                }

                await account.DisposeAsync().ConfigureAwait(false);
                return null;
            }

            return new OpenMessage(id, account, view, info);
        }
        catch
        {
            if (view is not null)
            {
                await view.DisposeAsync().ConfigureAwait(false);
            }

            await account.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens each account in scope: one user (when known), or every user.</summary>
    private async Task<List<IMailAccount>> OpenAccountsAsync(string? user, CancellationToken cancellationToken)
    {
        var users = Users();
        var wanted = user is null ? users : users.Where(u => string.Equals(u, user, StringComparison.OrdinalIgnoreCase)).ToList();
        var accounts = new List<IMailAccount>(wanted.Count);
        foreach (var u in wanted)
        {
            accounts.Add(await Store.OpenAccountAsync(u, cancellationToken).ConfigureAwait(false));
        }

        return accounts;
    }

    private async Task<MessageSummary> SummarizeAsync(string user, IMailboxView view, MessageInfo info, CancellationToken cancellationToken)
    {
        var headers = await ReadHeadersAsync(view, info.Uid, cancellationToken).ConfigureAwait(false);
        return Summaries.Create(new MessageId(user, view.Name, view.Status.UidValidity, info.Uid), info, headers);
    }

    private async Task<MessageSummary?> MatchAsync(string user, IMailboxView view, MessageInfo info, MessageQuery query, CancellationToken cancellationToken)
    {
        var id = new MessageId(user, view.Name, view.Status.UidValidity, info.Uid);
        if (!query.NeedsBody)
        {
            var headers = await ReadHeadersAsync(view, info.Uid, cancellationToken).ConfigureAwait(false);
            return QueryMatcher.Matches(query, user, headers, null) ? Summaries.Create(id, info, headers) : null;
        }

        await using var content = await view.OpenContentAsync(info.Uid, 0, null, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return null;
        }

        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(content, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return null;
        }

        using (message)
        {
            return QueryMatcher.Matches(query, user, message.Headers, message) ? Summaries.Create(id, info, message.Headers) : null;
        }
    }

    /// <summary>Reads the header block of a message, at most <see cref="HeaderReadLimit"/> octets of it.</summary>
    private static async Task<HeaderList> ReadHeadersAsync(IMailboxView view, uint uid, CancellationToken cancellationToken)
    {
        await using var content = await view.OpenContentAsync(uid, 0, HeaderReadLimit, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return [];
        }

        try
        {
            return await HeaderList.LoadAsync(content, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
