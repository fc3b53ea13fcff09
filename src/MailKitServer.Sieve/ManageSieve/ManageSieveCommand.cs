namespace MailKitServer.Sieve.ManageSieve;

/// <summary>One ManageSieve command (RFC 5804 §4): the verb, upper case, and its arguments as strings.</summary>
/// <param name="Verb">The verb, upper case.</param>
/// <param name="Arguments">Quoted strings and literals decoded from UTF-8; atoms (numbers) as written.</param>
internal sealed record ManageSieveCommand(string Verb, IReadOnlyList<string> Arguments);
