namespace MailKitServer.Smtp.SenderAuth.Dkim;

/// <summary>What a DKIM signature's checked tags give the rest of its verification.</summary>
/// <param name="Algorithm">a=, lower case: rsa-sha256 or ed25519-sha256.</param>
/// <param name="Domain">d=, the signing domain.</param>
/// <param name="Selector">s=, the key's selector.</param>
/// <param name="Auid">The domain of i=, when given.</param>
/// <param name="RelaxedBody">Whether the body canonicalization is relaxed.</param>
/// <param name="Limit">l=, the signed body length, or -1 for all of it.</param>
internal readonly record struct SignatureFields(string Algorithm, string Domain, string Selector, string? Auid, bool RelaxedBody, long Limit);
