using System.Text.Json;
using System.Text.Json.Serialization;
using MailKitServer.Web.Events;

namespace MailKitServer.Web.Api;

/// <summary>
/// The JSON of the event stream, generated at build time (camelCase, as the minimal APIs write it): no reflection
/// warm-up on the first event, which must reach clients within milliseconds of the SMTP 250.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MessageSummary))]
[JsonSerializable(typeof(MessageRemoved))]
[JsonSerializable(typeof(FlagsChanged))]
[JsonSerializable(typeof(QueueChanged))]
internal sealed partial class WebJson : JsonSerializerContext
{
}
