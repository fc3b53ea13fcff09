namespace MailKitServer.Smtp.Parsing;

/// <summary>One ESMTP parameter <c>keyword[=value]</c> as ranges into the parameter list.</summary>
/// <param name="Keyword">The keyword.</param>
/// <param name="Value">The value; empty when there is none.</param>
/// <param name="HasValue">Whether an <c>=</c> was present.</param>
internal readonly record struct EsmtpParameter(Range Keyword, Range Value, bool HasValue);
