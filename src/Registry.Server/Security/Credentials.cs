using System.Text;
using Registry.Engine;
using Registry.Engine.Security;

namespace Registry.Server.Security;

/// <summary>
/// Turns what a client presents into a principal, the same way for every API: a whole API key (<c>id.secret</c>,
/// as a bearer token, in <c>X-Api-Key</c>, or in the binary HELLO with scheme <c>bearer</c>), or the key id and secret
/// as HTTP Basic's user and password (what Confluent clients send as <c>basic.auth.user.info</c>; in HELLO, scheme
/// <c>basic</c> with <c>id:secret</c>), or a JWT as a bearer token when <c>Registry:Security:Jwt</c> is configured.
/// </summary>
internal sealed class Credentials(ApiKeyService keys, JwtValidator? jwt = null)
{
    private const int MaxHeaderChars = 1024;

    public ApiKeyService Keys { get; } = keys;

    /// <summary>The principal of an HTTP request; null without credentials; throws Unauthenticated for refused ones.</summary>
    public ValueTask<Principal?> AuthenticateAsync(HttpRequest request)
    {
        var headers = request.Headers;
        var authorization = headers.Authorization;
        if (authorization.Count > 0)
        {
            return Principal(AuthenticateAsync(authorization.ToString(), request.HttpContext.RequestAborted));
        }

        var apiKey = headers["X-Api-Key"];
        if (apiKey.Count > 0)
        {
            return Principal(Keys.AuthenticateAsync(Bounded(apiKey.ToString()), request.HttpContext.RequestAborted));
        }

        return ValueTask.FromResult<Principal?>(null);
    }

    /// <summary>The principal of an <c>Authorization</c> header value.</summary>
    public ValueTask<Principal> AuthenticateAsync(string authorization, CancellationToken cancellationToken)
    {
        authorization = Bounded(authorization);
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? authorization : authorization[..space];
        var value = space < 0 ? string.Empty : authorization[(space + 1)..].Trim();
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return Bearer(value, cancellationToken);
        }

        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return Basic(DecodeBasic(value), cancellationToken);
        }

        throw Refused("The Authorization scheme is not supported: use Bearer with an API key, or Basic with the key id and secret.");
    }

    /// <summary>The principal of binary HELLO credentials (scheme <c>bearer</c> or <c>basic</c>, the secret as UTF-8).</summary>
    public ValueTask<Principal> AuthenticateAsync(string scheme, ReadOnlySpan<byte> secret, CancellationToken cancellationToken)
    {
        if (secret.Length > MaxHeaderChars)
        {
            throw Refused("The credentials are too long.");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(secret);
        }
        catch (DecoderFallbackException)
        {
            throw Refused("The credentials are not UTF-8 text.");
        }

        if (scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase))
        {
            return Bearer(text, cancellationToken);
        }

        if (scheme.Equals("basic", StringComparison.OrdinalIgnoreCase))
        {
            return Basic(text, cancellationToken);
        }

        throw Refused($"The credential scheme '{(scheme.Length > 32 ? scheme[..32] : scheme)}' is not supported: use bearer (an API key) or basic (key id:secret).");
    }

    private ValueTask<Principal> Bearer(string token, CancellationToken cancellationToken) =>
        jwt is not null && JwtValidator.LooksLikeJwt(token)
            ? ValueTask.FromResult(jwt.Validate(token, DateTimeOffset.UtcNow))
            : Keys.AuthenticateAsync(token, cancellationToken);

    private ValueTask<Principal> Basic(string userAndPassword, CancellationToken cancellationToken)
    {
        var colon = userAndPassword.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw Refused("Basic credentials are the API key id and secret, as id:secret.");
        }

        return Keys.AuthenticateAsync(userAndPassword[..colon], userAndPassword[(colon + 1)..], cancellationToken);
    }

    private static string DecodeBasic(string value)
    {
        Span<byte> bytes = stackalloc byte[MaxHeaderChars];
        if (!Convert.TryFromBase64String(value, bytes, out var written))
        {
            throw Refused("Basic credentials are not base64.");
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(bytes[..written]);
        }
        catch (DecoderFallbackException)
        {
            throw Refused("Basic credentials are not UTF-8 text.");
        }
    }

    private static string Bounded(string value) =>
        value.Length <= MaxHeaderChars ? value : throw Refused("The credentials are too long.");

    private static async ValueTask<Principal?> Principal(ValueTask<Principal> pending) => await pending.ConfigureAwait(false);

    private static RegistryException Refused(string message) => new(RegistryErrorCode.Unauthenticated, message);
}
