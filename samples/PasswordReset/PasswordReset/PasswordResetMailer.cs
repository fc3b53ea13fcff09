using System.Net;
using System.Net.Mail;

namespace PasswordReset;

/// <summary>Sends password-reset links by SMTP, retrying when the server answers with a temporary (4xx) failure.</summary>
/// <param name="host">The SMTP server.</param>
/// <param name="port">Its port.</param>
/// <param name="credentials">AUTH credentials, or null.</param>
/// <param name="maxAttempts">How many times to try before giving up.</param>
/// <param name="retryDelay">The wait between tries.</param>
public sealed class PasswordResetMailer(string host, int port, NetworkCredential? credentials = null, int maxAttempts = 3, TimeSpan? retryDelay = null)
{
    /// <summary>The sender address of reset mail.</summary>
    public string From { get; init; } = "no-reply@shop.test";

    /// <summary>Sends the reset link for a user.</summary>
    /// <param name="email">The user's address.</param>
    /// <param name="token">The reset token.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>How many attempts it took.</returns>
    public async Task<int> SendResetLinkAsync(string email, string token, CancellationToken cancellationToken = default)
    {
        var link = $"https://shop.test/reset?token={Uri.EscapeDataString(token)}";
        for (var attempt = 1; ; attempt++)
        {
            using var client = new SmtpClient(host, port) { Credentials = credentials, Timeout = 10_000 };
            using var message = new MailMessage(From, email)
            {
                Subject = "Reset your password",
                Body = $"Someone asked to reset the password of {email}.\n\nOpen {link} to choose a new one.\n",
            };
            message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.Body, null, "text/plain"));
            message.AlternateViews.Add(AlternateView.CreateAlternateViewFromString($"<p>Open <a href=\"{link}\">this link</a> to choose a new password.</p>", null, "text/html"));
            try
            {
                await client.SendMailAsync(message, cancellationToken).ConfigureAwait(false);
                return attempt;
            }
            catch (SmtpException ex) when (attempt < maxAttempts && IsTemporary(ex.StatusCode))
            {
                await Task.Delay(retryDelay ?? TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsTemporary(SmtpStatusCode code) => (int)code is >= 400 and < 500;
}
