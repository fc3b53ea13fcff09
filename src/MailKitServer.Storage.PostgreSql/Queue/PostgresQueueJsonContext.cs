using System.Text.Json.Serialization;
using MailKitServer.Smtp.Outbound.Queue;

namespace MailKitServer.Storage.PostgreSql.Queue;

/// <summary>The JSON shape of queue entries in <c>mks_queue.entry</c> (source-generated, no reflection).</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(QueuedMessage))]
internal sealed partial class PostgresQueueJsonContext : JsonSerializerContext;
