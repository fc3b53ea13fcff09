namespace MailKitServer.Smtp.Parsing;

/// <summary>A parsed command line: the verb and where its argument lies in the line (no strings are made).</summary>
/// <param name="Verb">The verb.</param>
/// <param name="Argument">The argument's range in the line, without surrounding spaces.</param>
internal readonly record struct SmtpCommand(SmtpVerb Verb, Range Argument);
