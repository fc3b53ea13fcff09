using System.Text.Json.Serialization;
using MailKitServer.Delivery;

namespace MailKitServer.Smtp.Outbound.Queue;

/// <summary>The JSON shape of queue entries on disk (source-generated, no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(QueuedMessage))]
internal sealed partial class QueueJsonContext : JsonSerializerContext;
