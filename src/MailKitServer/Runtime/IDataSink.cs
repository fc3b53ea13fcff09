namespace MailKitServer.Runtime;

/// <summary>Where decoded message octets go.</summary>
internal interface IDataSink
{
    /// <summary>Appends octets.</summary>
    /// <param name="data">The octets.</param>
    void Write(ReadOnlySpan<byte> data);
}
