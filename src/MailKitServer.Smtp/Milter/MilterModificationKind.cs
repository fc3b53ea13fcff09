namespace MailKitServer.Smtp.Milter;

/// <summary>A change a filter asks for at end of message.</summary>
internal enum MilterModificationKind
{
    /// <summary>Append a header field (SMFIR_ADDHEADER).</summary>
    AddHeader,

    /// <summary>Insert a header field at an index (SMFIR_INSHEADER).</summary>
    InsertHeader,

    /// <summary>Change (or, with an empty value, delete) the Nth field of a name (SMFIR_CHGHEADER).</summary>
    ChangeHeader,

    /// <summary>Add a recipient (SMFIR_ADDRCPT, SMFIR_ADDRCPT_PAR).</summary>
    AddRecipient,

    /// <summary>Remove a recipient (SMFIR_DELRCPT).</summary>
    DeleteRecipient,

    /// <summary>Change the envelope sender (SMFIR_CHGFROM).</summary>
    ChangeFrom,

    /// <summary>Replace the body (SMFIR_REPLBODY; the chunks of one replacement are joined).</summary>
    ReplaceBody,

    /// <summary>Quarantine the message with a reason (SMFIR_QUARANTINE).</summary>
    Quarantine,
}
