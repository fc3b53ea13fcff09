namespace MailKitServer.Sasl;

/// <summary>The result of one step of a SASL exchange.</summary>
/// <param name="Kind">What to do next.</param>
/// <param name="Challenge">The challenge to send (base64-encoded by the engine) when <see cref="Kind"/> is <see cref="SaslStepKind.Challenge"/>.</param>
/// <param name="UserId">The user id on success.</param>
internal sealed record SaslStep(SaslStepKind Kind, byte[]? Challenge = null, string? UserId = null)
{
    /// <summary>Wrong credentials.</summary>
    public static SaslStep Failed { get; } = new(SaslStepKind.Failure);

    /// <summary>A malformed message.</summary>
    public static SaslStep Malformed { get; } = new(SaslStepKind.Malformed);

    /// <summary>The directory could not answer.</summary>
    public static SaslStep Unavailable { get; } = new(SaslStepKind.TemporaryFailure);

    /// <summary>Asks the client for more.</summary>
    /// <returns>The step.</returns>
    public static SaslStep Continue(byte[] challenge) => new(SaslStepKind.Challenge, challenge);

    /// <summary>Authenticated.</summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The step.</returns>
    public static SaslStep Authenticated(string userId) => new(SaslStepKind.Success, UserId: userId);
}
