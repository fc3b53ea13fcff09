using System.Text;

namespace MailKitServer.Mime;

/// <summary>A part to compose: its header fields and a way to write its body. Lines end with CRLF.</summary>
public abstract class MimePartBuilder
{
    /// <summary>The part's own header fields (Content-Type and friends), in order.</summary>
    public IList<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>Writes the body.</summary>
    /// <param name="output">Where to write.</param>
    public abstract void WriteBody(Stream output);

    /// <summary>Writes the header fields, folded, then the blank line, then the body.</summary>
    /// <param name="output">Where to write.</param>
    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteHeaders(output, Headers);
        output.Write("\r\n"u8);
        WriteBody(output);
    }

    /// <summary>Writes header fields, folding lines longer than 78 characters at white space (RFC 5322 §2.2.3).</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="headers">The fields.</param>
    public static void WriteHeaders(Stream output, IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var (name, value) in headers)
        {
            var line = new StringBuilder(name).Append(": ");
            var lineLength = line.Length;
            foreach (var word in value.Replace("\r\n ", " ", StringComparison.Ordinal).Split(' '))
            {
                if (lineLength + word.Length + 1 > 78 && lineLength > name.Length + 2)
                {
                    line.Append("\r\n ");
                    lineLength = 1;
                }
                else if (lineLength > name.Length + 2)
                {
                    line.Append(' ');
                    lineLength++;
                }

                line.Append(word);
                lineLength += word.Length;
            }

            output.Write(Encoding.UTF8.GetBytes(line.Append("\r\n").ToString()));
        }
    }
}
