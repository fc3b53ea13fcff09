using System.Text.Json.Serialization;

namespace MailKitServer.Smtp.Screening.Greylisting;

/// <summary>The JSON shape of a greylisting record in <see cref="FileGreylistStore"/>'s file, one per line (source-generated).</summary>
[JsonSerializable(typeof(GreylistEntry))]
internal sealed partial class GreylistJsonContext : JsonSerializerContext;
