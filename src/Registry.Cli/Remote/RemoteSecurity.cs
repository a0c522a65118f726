using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Registry.Client;
using Registry.Protocol.Messages;

namespace Registry.Cli.Remote;

/// <summary>
/// How a remote command proves who it is and whom it trusts: an API key (sent as a bearer token over HTTP and in the
/// binary HELLO) and certificate authorities trusted besides the system's, for a server with a private or
/// self-signed certificate.
/// </summary>
internal sealed record RemoteSecurity(string? ApiKey, X509Certificate2Collection? TrustedRoots)
{
    /// <summary>No key, the system's roots only.</summary>
    public static readonly RemoteSecurity None = new(null, null);

    /// <summary>An HTTP client for <paramref name="server"/> that sends the key and verifies the server against the roots.</summary>
    public HttpClient CreateHttpClient(Uri server, TimeSpan timeout, bool decompress)
    {
        var handler = new SocketsHttpHandler();
        if (decompress)
        {
            handler.AutomaticDecompression = System.Net.DecompressionMethods.All;
        }

        if (TrustedRoots is { Count: > 0 } roots)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = RegistryClientTls.Verifier(roots);
        }

        var http = new HttpClient(handler) { BaseAddress = server, Timeout = timeout };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("registry-cli", "1"));
        if (ApiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        }

        return http;
    }

    /// <summary>Why a connection failed, with what to do when the server's certificate was not trusted.</summary>
    public static string Reason(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException tls)
            {
                return $"the TLS handshake failed: {tls.Message} (for a private or self-signed certificate, give --ca-file with the authority that issued it)";
            }
        }

        return e.Message;
    }

    /// <summary>The key as the binary HELLO's credentials, or null.</summary>
    public Credentials? BinaryCredentials => ApiKey is null ? null : new Credentials("bearer", System.Text.Encoding.UTF8.GetBytes(ApiKey));

    /// <summary>TLS settings for the binary client when <paramref name="tls"/>, else null (plain TCP).</summary>
    public RegistryClientTls? BinaryTls(bool tls) => tls ? new RegistryClientTls { TrustedRoots = TrustedRoots } : null;
}
