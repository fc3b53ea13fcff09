using System.Text;
using MailKitServer.Users;

namespace MailKitServer.Sasl;

/// <summary>SASL LOGIN (draft-murchison-sasl-login): the user name, then the password, each after a prompt.</summary>
internal sealed class LoginMechanism(IUserDirectory directory) : SaslMechanism
{
    private string? _user;

    /// <inheritdoc />
    public override string Name => "LOGIN";

    /// <inheritdoc />
    public override bool SendsPasswordInClear => true;

    /// <inheritdoc />
    public override async ValueTask<SaslStep> StepAsync(byte[]? response, CancellationToken cancellationToken)
    {
        if (response is null)
        {
            return SaslStep.Continue("Username:"u8.ToArray());
        }

        if (_user is null)
        {
            _user = Encoding.UTF8.GetString(response);
            UserName = _user;
            return _user.Length == 0 ? SaslStep.Malformed : SaslStep.Continue("Password:"u8.ToArray());
        }

        var result = await directory.AuthenticateAsync(_user, Encoding.UTF8.GetString(response), cancellationToken).ConfigureAwait(false);
        if (result.IsTemporaryFailure)
        {
            return SaslStep.Unavailable;
        }

        return result.Succeeded ? SaslStep.Authenticated(result.UserId!) : SaslStep.Failed;
    }
}
