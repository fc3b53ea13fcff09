namespace MailKitServer.Imap.Structure;

/// <summary>A parsed Content-Disposition (RFC 2183).</summary>
/// <param name="Disposition">The disposition, lower case (inline, attachment).</param>
/// <param name="Parameters">The parameters in order (filename decoded per RFC 2231).</param>
internal sealed record PartDisposition(string Disposition, IReadOnlyList<PartParameter> Parameters)
{
    /// <summary>The disposition as written.</summary>
    public string RawDisposition { get; init; } = Disposition;

    /// <summary>The parameters as written (see <see cref="PartContentType.RawParameters"/>).</summary>
    public IReadOnlyList<PartParameter> RawParameters { get; init; } = Parameters;

    /// <summary>The filename parameter, if any.</summary>
    public string? FileName => Parameters.FirstOrDefault(p => p.Name == "filename")?.Value;
}
