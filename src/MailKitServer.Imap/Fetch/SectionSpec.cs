namespace MailKitServer.Imap.Fetch;

/// <summary>What part of an entity a BODY[section] names (RFC 9051 §6.4.5 section-spec).</summary>
internal enum SectionSpec
{
    /// <summary>The whole entity: BODY[] or BODY[1.2].</summary>
    Whole,

    /// <summary>HEADER: the header of the message (or of the message inside a message/rfc822 part).</summary>
    Header,

    /// <summary>HEADER.FIELDS (names): the listed fields of that header.</summary>
    HeaderFields,

    /// <summary>HEADER.FIELDS.NOT (names): the other fields.</summary>
    HeaderFieldsNot,

    /// <summary>TEXT: the body of the message.</summary>
    Text,

    /// <summary>MIME: the MIME header of a part (only after a part number).</summary>
    Mime,
}
