using System.Buffers.Binary;

namespace MailKitServer.Smtp.Parsing;

/// <summary>Dispatches a command line on its verb, compared as bytes without allocating.</summary>
internal static class SmtpCommandParser
{
    private const uint CaseFold = 0x20202020;

    /// <summary>Parses a command line (without CRLF).</summary>
    /// <returns>The verb and the argument's range.</returns>
    public static SmtpCommand Parse(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        var verb = space < 0 ? line : line[..space];
        var start = space < 0 ? line.Length : space + 1;
        var end = line.Length;
        while (start < end && line[start] == (byte)' ')
        {
            start++;
        }

        while (end > start && (line[end - 1] == (byte)' ' || line[end - 1] == (byte)'\t'))
        {
            end--;
        }

        return new SmtpCommand(Identify(verb), start..end);
    }

    private static SmtpVerb Identify(ReadOnlySpan<byte> verb)
    {
        if (verb.Length == 4)
        {
            // ASCII letters fold to lower case by setting bit 5; only a letter's two cases map to a lower-case letter.
            return (BinaryPrimitives.ReadUInt32BigEndian(verb) | CaseFold) switch
            {
                0x68656c6f => SmtpVerb.Helo, // helo
                0x65686c6f => SmtpVerb.Ehlo, // ehlo
                0x6c686c6f => SmtpVerb.Lhlo, // lhlo
                0x6d61696c => SmtpVerb.Mail, // mail
                0x72637074 => SmtpVerb.Rcpt, // rcpt
                0x64617461 => SmtpVerb.Data, // data
                0x62646174 => SmtpVerb.Bdat, // bdat
                0x72736574 => SmtpVerb.Rset, // rset
                0x6e6f6f70 => SmtpVerb.Noop, // noop
                0x71756974 => SmtpVerb.Quit, // quit
                0x76726679 => SmtpVerb.Vrfy, // vrfy
                0x6578706e => SmtpVerb.Expn, // expn
                0x68656c70 => SmtpVerb.Help, // help
                0x61757468 => SmtpVerb.Auth, // auth
                _ => SmtpVerb.Unknown,
            };
        }

        return verb.Length == 8 && System.Text.Ascii.EqualsIgnoreCase(verb, "STARTTLS"u8) ? SmtpVerb.StartTls : SmtpVerb.Unknown;
    }
}
