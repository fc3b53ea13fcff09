using System.Security.Cryptography;
using System.Text;
using MailKitServer.Users.InMemory;
using MailKitServer.Sasl;

namespace MailKitServer.Tests.Sasl;

public class SaslMechanismTests
{
    private static InMemoryUserDirectory Directory()
    {
        var d = new InMemoryUserDirectory();
        d.AddUser("user@example.test", "pencil");
        return d;
    }

    [Theory]
    [InlineData("")]
    [InlineData("key")]
    [InlineData("a key longer than sixty-four octets, which HMAC hashes first before use .........")]
    public void Hmac_md5_from_precomputed_state_matches_the_framework(string key)
    {
        var (inner, outer) = HmacMd5State.Derive(Encoding.UTF8.GetBytes(key));
        foreach (var length in new[] { 0, 1, 55, 56, 63, 64, 65, 119, 120, 200 })
        {
            var message = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
            Assert.Equal(HMACMD5.HashData(Encoding.UTF8.GetBytes(key), message), HmacMd5State.Compute(inner, outer, message));
        }
    }

    [Fact]
    public async Task Plain_accepts_valid_credentials_and_rejects_malformed_ones()
    {
        var d = Directory();
        var ok = await new PlainMechanism(d).StepAsync(Encoding.UTF8.GetBytes("\0user@example.test\0pencil"), default);
        Assert.Equal(SaslStepKind.Success, ok.Kind);
        Assert.Equal("user@example.test", ok.UserId);
        Assert.Equal(SaslStepKind.Failure, (await new PlainMechanism(d).StepAsync(Encoding.UTF8.GetBytes("\0user@example.test\0wrong"), default)).Kind);
        Assert.Equal(SaslStepKind.Malformed, (await new PlainMechanism(d).StepAsync(Encoding.UTF8.GetBytes("no nuls"), default)).Kind);
        Assert.Equal(SaslStepKind.Failure, (await new PlainMechanism(d).StepAsync(Encoding.UTF8.GetBytes("other@example.test\0user@example.test\0pencil"), default)).Kind);
        Assert.Equal(SaslStepKind.Challenge, (await new PlainMechanism(d).StepAsync(null, default)).Kind);
    }

    [Fact]
    public async Task Cram_md5_round_trip()
    {
        var mechanism = new CramMd5Mechanism(Directory(), "mail.example.test", TimeProvider.System);
        var challenge = await mechanism.StepAsync(null, default);
        Assert.Matches("^<[0-9]+\\.[0-9]+@mail\\.example\\.test>$", Encoding.ASCII.GetString(challenge.Challenge!));
        var digest = Convert.ToHexStringLower(HMACMD5.HashData("pencil"u8, challenge.Challenge!));
        var done = await mechanism.StepAsync(Encoding.ASCII.GetBytes("user@example.test " + digest), default);
        Assert.Equal(SaslStepKind.Success, done.Kind);
    }

    [Theory]
    [InlineData("pencil", true)]
    [InlineData("crayon", false)]
    public async Task Scram_sha_256_round_trip_with_server_signature(string password, bool accepted)
    {
        var mechanism = new ScramSha256Mechanism(Directory());
        const string clientNonce = "rOprNGfwEbeRWgbNEkqO";
        var clientFirstBare = "n=user@example.test,r=" + clientNonce;
        var first = await mechanism.StepAsync(Encoding.UTF8.GetBytes("n,," + clientFirstBare), default);
        var serverFirst = Encoding.UTF8.GetString(first.Challenge!);
        var attrs = serverFirst.Split(',').ToDictionary(a => a[..1], a => a[2..]);
        Assert.StartsWith(clientNonce, attrs["r"], StringComparison.Ordinal);

        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(attrs["s"]), int.Parse(attrs["i"], System.Globalization.CultureInfo.InvariantCulture), HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var withoutProof = "c=biws,r=" + attrs["r"];
        var authMessage = Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{withoutProof}");
        var signature = HMACSHA256.HashData(SHA256.HashData(clientKey), authMessage);
        var proof = clientKey.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        var final = await mechanism.StepAsync(Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}"), default);
        if (!accepted)
        {
            Assert.Equal(SaslStepKind.Failure, final.Kind);
            return;
        }

        var serverSignature = HMACSHA256.HashData(HMACSHA256.HashData(salted, "Server Key"u8), authMessage);
        Assert.Equal("v=" + Convert.ToBase64String(serverSignature), Encoding.UTF8.GetString(final.Challenge!));
        var done = await mechanism.StepAsync([], default);
        Assert.Equal(SaslStepKind.Success, done.Kind);
    }

    [Fact]
    public async Task Scram_does_not_reveal_unknown_users_before_the_proof()
    {
        var mechanism = new ScramSha256Mechanism(Directory());
        var first = await mechanism.StepAsync("n,,n=ghost@example.test,r=abc"u8.ToArray(), default);
        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        Assert.Equal(SaslStepKind.Malformed, (await new ScramSha256Mechanism(Directory()).StepAsync("p=tls-unique,,n=u,r=x"u8.ToArray(), default)).Kind);
    }
}
