using System.Security.Cryptography;

namespace MailKitServer.Mime;

/// <summary>A multipart (RFC 2046 §5.1): mixed, alternative, related, or report (RFC 6522 multipart/report for DSNs).</summary>
public sealed class MultipartBuilder : MimePartBuilder
{
    private readonly string _boundary = "=_mks_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>Creates a multipart.</summary>
    /// <param name="subType">The subtype, such as <c>mixed</c> or <c>report</c>.</param>
    /// <param name="parameters">Extra Content-Type parameters, such as <c>report-type=delivery-status</c>.</param>
    public MultipartBuilder(string subType, params (string Name, string Value)[] parameters)
    {
        var type = $"multipart/{subType}; boundary=\"{_boundary}\"";
        foreach (var (name, value) in parameters ?? [])
        {
            type += $"; {name}={value}";
        }

        Headers.Add(new("Content-Type", type));
    }

    /// <summary>The parts, in order.</summary>
    public IList<MimePartBuilder> Parts { get; } = [];

    /// <inheritdoc />
    public override void WriteBody(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write("This is a multi-part message in MIME format.\r\n"u8);
        foreach (var part in Parts)
        {
            output.Write(System.Text.Encoding.ASCII.GetBytes($"\r\n--{_boundary}\r\n"));
            part.WriteTo(output);
        }

        output.Write(System.Text.Encoding.ASCII.GetBytes($"\r\n--{_boundary}--\r\n"));
    }
}
