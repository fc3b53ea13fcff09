namespace MailKitServer.Web.Events;

/// <summary>The data of a <c>queue</c> event: a queue id and what happened (queued, deferred, delivered, failed, deleted).</summary>
internal sealed record QueueChanged(string Id, string Change);
