namespace MailKitServer.Smtp.Parsing;

/// <summary>The parts of a MAIL FROM or RCPT TO argument, as ranges into it.</summary>
/// <param name="Address">The address inside the angle brackets (source route removed); empty for <c>&lt;&gt;</c>.</param>
/// <param name="Parameters">The ESMTP parameters after the path.</param>
internal readonly record struct PathArgument(Range Address, Range Parameters);
