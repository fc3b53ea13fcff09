using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace MailKitServer.Smtp.SenderAuth.Dkim;

/// <summary>Hands MimeKit's verifier the key already looked up and checked for one signature.</summary>
internal sealed class FixedKeyLocator(AsymmetricKeyParameter key) : IDkimPublicKeyLocator
{
    public AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) => key;

    public Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) => Task.FromResult(key);
}
