namespace MailKitServer.Sasl;

/// <summary>What a SASL step asks the protocol engine to do.</summary>
internal enum SaslStepKind
{
    /// <summary>Send the challenge and read the client's next response.</summary>
    Challenge,

    /// <summary>The client is authenticated as <see cref="SaslStep.UserId"/>.</summary>
    Success,

    /// <summary>The credentials are wrong.</summary>
    Failure,

    /// <summary>The client's message was malformed.</summary>
    Malformed,

    /// <summary>The directory could not answer now.</summary>
    TemporaryFailure,
}
