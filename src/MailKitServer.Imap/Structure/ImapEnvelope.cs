namespace MailKitServer.Imap.Structure;

/// <summary>The IMAP ENVELOPE of a message (RFC 3501 §7.4.2): header values as written, addresses parsed.</summary>
/// <param name="Date">The Date header, or <see langword="null"/>.</param>
/// <param name="Subject">The Subject header (encoded words kept), or <see langword="null"/>.</param>
/// <param name="From">From addresses.</param>
/// <param name="Sender">Sender addresses (From when absent or empty).</param>
/// <param name="ReplyTo">Reply-To addresses (From when absent or empty).</param>
/// <param name="To">To addresses.</param>
/// <param name="Cc">Cc addresses.</param>
/// <param name="Bcc">Bcc addresses.</param>
/// <param name="InReplyTo">The In-Reply-To header, or <see langword="null"/>.</param>
/// <param name="MessageId">The Message-ID header, or <see langword="null"/>.</param>
internal sealed record ImapEnvelope(
    string? Date,
    string? Subject,
    IReadOnlyList<EnvelopeAddress> From,
    IReadOnlyList<EnvelopeAddress> Sender,
    IReadOnlyList<EnvelopeAddress> ReplyTo,
    IReadOnlyList<EnvelopeAddress> To,
    IReadOnlyList<EnvelopeAddress> Cc,
    IReadOnlyList<EnvelopeAddress> Bcc,
    string? InReplyTo,
    string? MessageId)
{
    /// <summary>Builds the envelope from a message's header fields.</summary>
    /// <param name="message">The message (or encapsulated message) entity.</param>
    /// <returns>The envelope.</returns>
    public static ImapEnvelope FromMessage(StructurePart message)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Display names and the subject are tidied for people as Dovecot does (HumanText); the rest is as written.
        IReadOnlyList<EnvelopeAddress> Addresses(string name)
        {
            if (message.GetHeader(name) is not { } value)
            {
                return [];
            }

            // Tidied in place (the parser's list is new): a first FETCH does this for every message it reads.
            var parsed = AddressParser.Parse(value);
            var addresses = parsed as List<EnvelopeAddress> ?? [.. parsed];
            for (var i = 0; i < addresses.Count; i++)
            {
                if (addresses[i].Name is { } display && HumanText.Tidy(display) is var tidy && !ReferenceEquals(tidy, display))
                {
                    addresses[i] = addresses[i] with { Name = tidy };
                }
            }

            return addresses;
        }

        var from = Addresses("From");
        var sender = Addresses("Sender");
        var replyTo = Addresses("Reply-To");

        // RFC 3501 §7.4.2: absent or empty Sender and Reply-To take the value of From.
        return new ImapEnvelope(
            message.GetHeader("Date"),
            HumanText.Tidy(message.GetHeader("Subject")),
            from,
            sender.Count > 0 ? sender : from,
            replyTo.Count > 0 ? replyTo : from,
            Addresses("To"),
            Addresses("Cc"),
            Addresses("Bcc"),
            message.GetHeader("In-Reply-To"),
            message.GetHeader("Message-ID"));
    }
}
