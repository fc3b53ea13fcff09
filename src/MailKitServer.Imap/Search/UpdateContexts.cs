namespace MailKitServer.Imap.Search;

/// <summary>The update contexts of the selected mailbox (RFC 5267 §4.3), named by their commands' tags; they end with the selection.</summary>
internal sealed class UpdateContexts
{
    /// <summary>How many contexts one selection keeps; a searching command beyond that gets NOUPDATE (RFC 5267 §4.3.1).</summary>
    public const int Limit = 32;

    private List<UpdateContext>? _contexts; // made by the first SEARCH with CONTEXT UPDATE

    /// <summary>How many contexts are active.</summary>
    public int Count => _contexts?.Count ?? 0;

    /// <summary>Whether another context can be kept.</summary>
    public bool IsFull => Count >= Limit;

    /// <summary>The active contexts, oldest first.</summary>
    public IReadOnlyList<UpdateContext> All => _contexts ?? [];

    /// <summary>Whether a context was created by a command with this tag (RFC 5267 §4.3: such a tag may not be reused with UPDATE).</summary>
    /// <returns><see langword="true"/> when one is active.</returns>
    public bool Contains(string tag) => _contexts is not null && _contexts.Exists(c => c.Results.Tag == tag);

    /// <summary>Starts keeping a context current.</summary>
    /// <param name="context">The context; its command's tag names it for CANCELUPDATE.</param>
    public void Add(UpdateContext context) => (_contexts ??= []).Add(context);

    /// <summary>Stops the updates of a context (CANCELUPDATE, RFC 5267 §4.3.5).</summary>
    /// <param name="tag">The tag of the command that created it.</param>
    /// <returns>Whether there was such a context.</returns>
    public bool Cancel(string tag) => _contexts is not null && _contexts.RemoveAll(c => c.Results.Tag == tag) > 0;
}
