namespace MailKitServer.Imap.Commands;

/// <summary>
/// Every command the server knows, by name. A new command is one class deriving from <see cref="ImapCommand"/> and
/// one line here (and its capability in <see cref="Session.ImapCapabilities"/> when it has one).
/// </summary>
internal static class ImapCommandTable
{
    private static readonly Dictionary<string, ImapCommand> Commands = new ImapCommand[]
    {
        new CapabilityCommand(),
        new NoopCommand("NOOP", CommandStates.Any),
        new LogoutCommand(),
        new IdCommand(),
        new EnableCommand(),
        new StartTlsCommand(),
        new LoginCommand(),
        new AuthenticateCommand(),
        new UnauthenticateCommand(),
        new SelectCommand(readOnly: false),
        new SelectCommand(readOnly: true),
        new CreateCommand(),
        new DeleteCommand(),
        new RenameCommand(),
        new SubscribeCommand(subscribe: true),
        new SubscribeCommand(subscribe: false),
        new ListCommand(lsub: false),
        new ListCommand(lsub: true),
        new StatusCommand(),
        new NamespaceCommand(),
        new GetQuotaCommand(),
        new GetQuotaRootCommand(),
        new SetQuotaCommand(),
        new AppendCommand(),
        new ReplaceCommand(),
        new IdleCommand(),
        new CompressCommand(),
        new NoopCommand("CHECK", CommandStates.Selected),
        new CloseCommand(expunge: true),
        new CloseCommand(expunge: false),
        new ExpungeCommand(),
        new FetchCommand(),
        new StoreCommand(),
        new SearchCommand(),
        new SortCommand(),
        new ThreadCommand(),
        new CancelUpdateCommand(),
        new NotifyCommand(),
        new CopyCommand(move: false),
        new CopyCommand(move: true),
        new SetAclCommand(delete: false),
        new SetAclCommand(delete: true),
        new GetAclCommand(),
        new ListRightsCommand(),
        new MyRightsCommand(),
        new GetMetadataCommand(),
        new SetMetadataCommand(),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>The command of that name (upper case), or null.</summary>
    /// <param name="name">The command name, upper case.</param>
    /// <returns>The command, or null when unknown.</returns>
    public static ImapCommand? Find(string name) => Commands.GetValueOrDefault(name);
}
