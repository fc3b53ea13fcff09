using MailKitServer.Imap.Notify;
using MailKitServer.Imap.Session;
using MailKitServer.Runtime;

namespace MailKitServer.Imap.Commands;

/// <summary>IDLE (RFC 2177, RFC 9051 §6.3.13): updates are pushed as they happen until the client sends DONE.</summary>
internal sealed class IdleCommand() : ImapCommand("IDLE", CommandStates.LoggedIn)
{
    public override async ValueTask<bool> ExecuteAsync(ImapSession session, ImapRequest request)
    {
        var connection = session.Connection;
        connection.Write("+ idling\r\n"u8);
        await connection.FlushAsync().ConfigureAwait(false);
        session.TrimParseMemory();
        var done = connection.ReadLineAsync(session.Options.MaxLineLength).AsTask();
        while (true)
        {
            // RFC 5465 §4: after NOTIFY, IDLE sends exactly the events NOTIFY asked for, from every watched mailbox.
            var notify = session.Notify;
            var watchSelected = notify is null || notify.SelectedEvents != NotifyEvents.None;
            var changes = watchSelected && session.Selected is { Gone: false } s ? s.View.Changes.WaitToReadAsync().AsTask() : null;
            var others = notify?.WaitAsync(session, includeSelected: false);
            var first = await FirstOf(done, changes, others).ConfigureAwait(false);
            if (first == done)
            {
                break;
            }

            if (first == changes && changes is Task<bool> { IsCompletedSuccessfully: true, Result: false })
            {
                // The feed ended (the mailbox was deleted or renamed): keep waiting for DONE.
                await done.ConfigureAwait(false);
                break;
            }

            // The pending read of DONE may flush too (when a packet brings part of the line): the updates are written
            // and flushed under the connection's output lock, so the two never interleave.
            await connection.SendAsync(static state => PushAsync(state.session, state.notify), (session, notify)).ConfigureAwait(false);
        }

        var read = await done.ConfigureAwait(false);
        switch (read.Status)
        {
            case LineReadStatus.Line when System.Text.Encoding.ASCII.GetString(read.Line.Span).Equals("DONE", StringComparison.OrdinalIgnoreCase):
                return session.Ok(request.Tag, "IDLE terminated");
            case LineReadStatus.Line or LineReadStatus.TooLong:
                return await session.BadAsync(request.Tag, "Expected DONE").ConfigureAwait(false);
            default:
                // Timed out, shutting down or closed: the session's own farewell ends it.
                await ImapSession.Farewell.EndsSessionAsync(connection, read.Status).ConfigureAwait(false);
                return false;
        }
    }

    private static ValueTask PushAsync(ImapSession session, NotifyState? notify) =>
        notify is not null ? notify.PushAsync(session, idling: true) : session.SendUpdatesAsync(allowExpunge: true);

    // Only what can happen is waited for: an IDLE without NOTIFY waits for DONE and the selected mailbox's feed, and
    // nothing more per connection (an abort ends the read of DONE too).
    private static Task<Task> FirstOf(Task done, Task? changes, Task? others) => (changes, others) switch
    {
        (null, null) => Task.WhenAny(done),
        ({ } c, null) => Task.WhenAny(done, c),
        (null, { } o) => Task.WhenAny(done, o),
        ({ } c, { } o) => Task.WhenAny(done, c, o),
    };
}
