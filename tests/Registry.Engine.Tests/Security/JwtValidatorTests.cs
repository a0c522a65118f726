using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Registry.Engine.Security;

namespace Registry.Engine.Tests.Security;

/// <summary>JWT bearer tokens: RS256 and ES256 from a JWKS document, and every way a token must be refused.</summary>
public sealed class JwtValidatorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JwtValidator _validator;

    public JwtValidatorTests()
    {
        var rsa = _rsa.ExportParameters(false);
        var ec = _ec.ExportParameters(false);
        var jwks = $$"""
            {"keys":[
              {"kty":"RSA","kid":"rsa-1","use":"sig","n":"{{B64(rsa.Modulus!)}}","e":"{{B64(rsa.Exponent!)}}"},
              {"kty":"EC","kid":"ec-1","crv":"P-256","x":"{{B64(ec.Q.X!)}}","y":"{{B64(ec.Q.Y!)}}"}
            ]}
            """;
        _validator = new JwtValidator(new JwtSettings { Issuers = ["https://idp.example"], Audiences = ["schema-registry"] }, jwks);
    }

    public void Dispose()
    {
        _rsa.Dispose();
        _ec.Dispose();
    }

    [Fact]
    public void A_valid_rs256_token_gives_its_subject_role_and_grants()
    {
        var principal = _validator.Validate(Rs256(Claims()), Now);

        Assert.Equal("jwt:ci-bot", principal.Name);
        Assert.Equal(Role.Developer, principal.Role);
        Assert.Equal(["orders.*"], principal.Grants);
    }

    [Fact]
    public void A_valid_es256_token_is_accepted_and_the_highest_role_named_wins()
    {
        var principal = _validator.Validate(Es256(Claims(role: """["reader","admin"]""")), Now);

        Assert.Equal(Role.Admin, principal.Role);
    }

    [Theory]
    [InlineData("expired", "expired")]
    [InlineData("issuer", "issuer")]
    [InlineData("audience", "audience")]
    [InlineData("no-role", "role")]
    [InlineData("not-yet", "not valid yet")]
    public void A_token_with_a_wrong_claim_is_refused_saying_which(string what, string message)
    {
        var claims = what switch
        {
            "expired" => Claims(exp: Now.AddMinutes(-5)),
            "issuer" => Claims(iss: "https://evil.example"),
            "audience" => Claims(aud: "\"another-service\""),
            "no-role" => Claims(role: "\"superuser\""),
            _ => Claims(nbf: Now.AddMinutes(10)),
        };

        var refusal = Assert.Throws<RegistryException>(() => _validator.Validate(Rs256(claims), Now));

        Assert.Equal(RegistryErrorCode.Unauthenticated, refusal.Code);
        Assert.Contains(message, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_signed_by_another_key_is_refused()
    {
        using var other = RSA.Create(2048);

        var refusal = Assert.Throws<RegistryException>(() => _validator.Validate(Sign("RS256", "rsa-1", Claims(), data => other.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)), Now));

        Assert.Contains("signature", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("RS512")]
    public void Alg_none_hmac_and_other_algorithms_are_refused(string algorithm)
    {
        var token = Sign(algorithm, "rsa-1", Claims(), data => algorithm == "none" ? [] : HMACSHA256.HashData(_rsa.ExportRSAPublicKey(), data));
        if (algorithm == "none")
        {
            token += "AA"; // a signature part must not be empty; "none" is refused for its name anyway
        }

        var refusal = Assert.Throws<RegistryException>(() => _validator.Validate(token, Now));

        Assert.Contains("RS256 or ES256", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_payload_breaks_the_signature()
    {
        var token = Rs256(Claims());
        var parts = token.Split('.');
        var forged = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("developer", "admin", StringComparison.Ordinal);
        var tampered = parts[0] + "." + B64(Encoding.UTF8.GetBytes(forged)) + "." + parts[2];

        var refusal = Assert.Throws<RegistryException>(() => _validator.Validate(tampered, Now));

        Assert.Contains("signature", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_verified_token_is_served_from_the_cache_until_its_expiry_and_a_changed_byte_is_verified_again()
    {
        var token = Es256(Claims(exp: Now.AddMinutes(5)));
        var first = _validator.Validate(token, Now);

        // The same token again: the cached principal, still checked against its expiry (60 s of skew allowed).
        Assert.Same(first, _validator.Validate(token, Now.AddMinutes(4)));
        var parts = token.Split('.');
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[^1] ^= 1;
        var forged = parts[0] + "." + parts[1] + "." + B64(signature);
        Assert.Contains("signature", Assert.Throws<RegistryException>(() => _validator.Validate(forged, Now)).Message, StringComparison.Ordinal);
        Assert.Contains("expired", Assert.Throws<RegistryException>(() => _validator.Validate(token, Now.AddMinutes(7))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cached_token_signed_by_a_key_that_was_removed_is_refused()
    {
        var token = Es256(Claims());
        _validator.Validate(token, Now);
        var rsa = _rsa.ExportParameters(false);

        _validator.ReplaceKeys($$"""{"keys":[{"kty":"RSA","kid":"rsa-1","use":"sig","n":"{{B64(rsa.Modulus!)}}","e":"{{B64(rsa.Exponent!)}}"}]}""");

        Assert.Contains("signature", Assert.Throws<RegistryException>(() => _validator.Validate(token, Now)).Message, StringComparison.Ordinal);
        Assert.Equal("jwt:ci-bot", _validator.Validate(Rs256(Claims()), Now).Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("eyJ!.e30.AA")]
    [InlineData("e30.e30.AA")]
    public void Garbage_is_refused_as_unauthenticated_never_as_a_crash(string token)
    {
        var refusal = Assert.Throws<RegistryException>(() => _validator.Validate(token, Now));
        Assert.Equal(RegistryErrorCode.Unauthenticated, refusal.Code);
    }

    private static string Claims(string iss = "https://idp.example", string aud = "[\"schema-registry\",\"other\"]", DateTimeOffset? exp = null, DateTimeOffset? nbf = null, string role = "\"developer\"") =>
        $$"""{"iss":"{{iss}}","aud":{{aud}},"sub":"ci-bot","exp":{{(exp ?? Now.AddMinutes(5)).ToUnixTimeSeconds()}},"nbf":{{(nbf ?? Now.AddMinutes(-1)).ToUnixTimeSeconds()}},"registry_role":{{role}},"registry_grants":["orders.*","a*b"]}""";

    private string Rs256(string claims) => Sign("RS256", "rsa-1", claims, data => _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    private string Es256(string claims) => Sign("ES256", "ec-1", claims, data => _ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    private static string Sign(string algorithm, string kid, string claims, Func<byte[], byte[]> sign)
    {
        var signed = B64(Encoding.UTF8.GetBytes($$"""{"alg":"{{algorithm}}","typ":"JWT","kid":"{{kid}}"}""")) + "." + B64(Encoding.UTF8.GetBytes(claims));
        return signed + "." + B64(sign(Encoding.ASCII.GetBytes(signed)));
    }

    private static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
