namespace MailKitServer.Sieve.Execution;

/// <summary>The bounds on one run of a script (RFC 5228 §10 asks implementations to limit resource use).</summary>
/// <param name="MaxActions">The most actions a run may take.</param>
/// <param name="MaxRedirects">The most redirects a run may take.</param>
/// <param name="MaxIncludeDepth">The deepest chain of includes.</param>
/// <param name="MaxIncludes">The most include commands run in total.</param>
/// <param name="MaxVariableLength">The longest value a variable holds (longer values are truncated, RFC 5229 §3).</param>
/// <param name="MaxVariables">The most variables a run may set.</param>
/// <param name="MaxHeaderEdits">The most addheader/deleteheader actions a run may take.</param>
internal sealed record SieveLimits(int MaxActions = 32, int MaxRedirects = 4, int MaxIncludeDepth = 8, int MaxIncludes = 32, int MaxVariableLength = 4096, int MaxVariables = 256, int MaxHeaderEdits = 64);
