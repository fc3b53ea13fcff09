using System.Net.Http.Headers;

namespace MailKitServer.Imap;

/// <summary>
/// An <see cref="IJunkTrainer"/> that feeds rspamd's Bayes classifier: each message is POSTed to the controller
/// worker's <c>/learnspam</c> or <c>/learnham</c> (rspamd needs a statistics backend for that, redis by default), with
/// the controller password and the user in <c>Deliver-To</c> (for per-user statistics, when rspamd is set up so).
/// A message rspamd already learned the same way counts as learned (HTTP 208).
/// </summary>
public sealed class RspamdJunkTrainer : IJunkTrainer
{
    private readonly HttpClient _http;
    private readonly Uri _controller;
    private readonly string? _password;

    /// <summary>Creates the trainer.</summary>
    /// <param name="http">The client to post with (its time-out applies to each message).</param>
    /// <param name="controller">The controller's base address, such as <c>http://127.0.0.1:11334/</c> (or a path a proxy serves it under).</param>
    /// <param name="password">The controller's <c>enable_password</c> (or <c>password</c>); null when it has none.</param>
    public RspamdJunkTrainer(HttpClient http, Uri controller, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(controller);
        _http = http;

        // The endpoints are resolved under the controller's path (behind a proxy at /rspamd/ as well as at the root).
        _controller = controller.AbsolutePath.EndsWith('/') ? controller : new Uri(controller.AbsoluteUri + "/");
        _password = password;
    }

    /// <inheritdoc />
    public ValueTask LearnSpamAsync(string userId, Stream message, CancellationToken cancellationToken) => LearnAsync("learnspam", userId, message, cancellationToken);

    /// <inheritdoc />
    public ValueTask LearnHamAsync(string userId, Stream message, CancellationToken cancellationToken) => LearnAsync("learnham", userId, message, cancellationToken);

    private async ValueTask LearnAsync(string endpoint, string userId, Stream message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_controller, endpoint));
        request.Content = new StreamContent(message);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        request.Headers.TryAddWithoutValidation("Deliver-To", userId);
        if (_password is not null)
        {
            request.Headers.TryAddWithoutValidation("Password", _password);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"rspamd's /{endpoint} answered {(int)response.StatusCode}: {(text.Length > 200 ? text[..200] : text)}", null, response.StatusCode);
        }
    }
}
