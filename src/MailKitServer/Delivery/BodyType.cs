namespace MailKitServer.Delivery;

/// <summary>The BODY parameter of MAIL FROM.</summary>
public enum BodyType
{
    /// <summary>7BIT (or not given).</summary>
    SevenBit,

    /// <summary>8BITMIME (RFC 6152).</summary>
    EightBitMime,

    /// <summary>BINARYMIME (RFC 3030); needs BDAT.</summary>
    BinaryMime,
}
