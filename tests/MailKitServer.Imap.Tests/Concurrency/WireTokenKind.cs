namespace MailKitServer.Imap.Tests.Concurrency;

internal enum WireTokenKind
{
    Atom,
    String,
    List,
}
