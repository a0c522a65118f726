using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Registry.Client;
using Registry.Testing;

namespace Registry.Server.Tests.Security;

/// <summary>TLS on both listeners (<c>Registry:Tls</c>): served, verified by the clients, refused when untrusted, reloaded on change.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new("tls");
    private readonly TestCertificateAuthority _authority = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string CertificateFile => Path.Combine(_folder.Path, "server.crt");

    private string KeyFile => Path.Combine(_folder.Path, "server.key");

    public void Dispose()
    {
        _authority.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Both_listeners_speak_tls_and_clients_that_trust_the_authority_are_served()
    {
        _authority.WriteServerCertificate(CertificateFile, KeyFile);
        await using var server = await StartAsync();
        using var http = HttpsClient(_authority.Root);
        await using var client = new RegistryClient(BinaryOptions(server, trusted: true));

        using var health = await http.GetAsync(new Uri($"https://localhost:{server.HttpEndpoint.Port}/health/live"), Ct);
        var registered = await client.RegisterAsync("orders", """{"type":"object"}""", Ct);
        var read = await client.GetSchemaAsync(registered.SchemaId, Ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("""{"type":"object"}""", System.Text.Encoding.UTF8.GetString(read.Content.Span));
    }

    [Fact]
    public async Task Clients_that_do_not_trust_the_certificate_refuse_the_connection()
    {
        _authority.WriteServerCertificate(CertificateFile, KeyFile);
        await using var server = await StartAsync();
        using var http = new HttpClient();
        await using var client = new RegistryClient(BinaryOptions(server, trusted: false) with { RequestTimeout = TimeSpan.FromSeconds(2) });

        var httpRefusal = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"https://localhost:{server.HttpEndpoint.Port}/health/live"), Ct));
        var binaryRefusal = await Assert.ThrowsAsync<RegistryConnectionException>(async () => await client.PingAsync(Ct));

        Assert.IsType<System.Security.Authentication.AuthenticationException>(httpRefusal.InnerException);
        Assert.Contains("certificate", binaryRefusal.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_plain_text_client_is_not_served_by_a_tls_listener()
    {
        _authority.WriteServerCertificate(CertificateFile, KeyFile);
        await using var server = await StartAsync();
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [server.BinaryEndpoint.ToString()],
            RequestTimeout = TimeSpan.FromSeconds(2),
            ConnectTimeout = TimeSpan.FromSeconds(1),
        });

        await Assert.ThrowsAnyAsync<Exception>(async () => await client.PingAsync(Ct));
        using var live = await HttpsClient(_authority.Root).GetAsync(new Uri($"https://localhost:{server.HttpEndpoint.Port}/health/live"), Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task A_renewed_certificate_is_served_from_the_next_connection_and_a_broken_one_is_not()
    {
        var first = _authority.WriteServerCertificate(CertificateFile, KeyFile);
        await using var server = await StartAsync(reloadCheck: "00:00:00.100");
        Assert.Equal(first, await PresentedSerialAsync(server.BinaryEndpoint));

        // A half-written renewal (garbage) keeps the served certificate.
        await File.WriteAllTextAsync(CertificateFile, "-----BEGIN CERTIFICATE-----\nnot base64\n", Ct);
        await Task.Delay(300, Ct);
        Assert.Equal(first, await PresentedSerialAsync(server.BinaryEndpoint));

        var second = _authority.WriteServerCertificate(CertificateFile, KeyFile);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var served = first;
        while (served != second && DateTime.UtcNow < deadline)
        {
            await Task.Delay(150, Ct);
            served = await PresentedSerialAsync(server.BinaryEndpoint);
        }

        Assert.NotEqual(first, second);
        Assert.Equal(second, served);
        Assert.Equal(second, await PresentedSerialAsync(server.HttpEndpoint));
    }

    [Fact]
    public async Task A_client_with_a_wrong_key_gets_the_refusal_itself_not_a_timeout()
    {
        _authority.WriteServerCertificate(CertificateFile, KeyFile);
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Security:Enabled"] = "true",
            ["Registry:Security:BootstrapAdminKey"] = "rk_0c0c0c0c0c0c0c0c.the-tls-test-admin-secret",
            ["Registry:Tls:CertificateFile"] = CertificateFile,
            ["Registry:Tls:KeyFile"] = KeyFile,
        });
        await using var wrong = new RegistryClient(BinaryOptions(server, trusted: true) with
        {
            Credentials = new Registry.Protocol.Messages.Credentials("bearer", "rk_0c0c0c0c0c0c0c0c.not-the-secret"u8.ToArray()),
            RequestTimeout = TimeSpan.FromMinutes(2),
        });
        await using var right = new RegistryClient(BinaryOptions(server, trusted: true) with
        {
            Credentials = new Registry.Protocol.Messages.Credentials("bearer", "rk_0c0c0c0c0c0c0c0c.the-tls-test-admin-secret"u8.ToArray()),
        });

        // A timeout would surface as a connection failure after two minutes; the refusal comes with its own status.
        var refusal = await Assert.ThrowsAsync<RegistryRequestException>(async () => await wrong.PingAsync(Ct));
        await right.PingAsync(Ct);

        Assert.Equal(Registry.Protocol.StatusCode.Unauthenticated, refusal.Status);
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_used_stops_the_start_with_its_reason()
    {
        var missing = Path.Combine(_folder.Path, "missing.crt");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Tls:CertificateFile"] = missing,
            ["Registry:Tls:KeyFile"] = KeyFile,
        }));
        var badListeners = await Assert.ThrowsAsync<InvalidOperationException>(() => InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Tls:CertificateFile"] = missing,
            ["Registry:Tls:Listeners"] = "all",
        }));

        Assert.Contains(missing, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Registry:Tls", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Registry:Tls:Listeners", badListeners.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_on_the_binary_listener_alone_leaves_http_in_plain_text()
    {
        _authority.WriteServerCertificate(CertificateFile, KeyFile);
        await using var server = await StartAsync(listeners: "binary");
        await using var client = new RegistryClient(BinaryOptions(server, trusted: true));

        using var live = await server.Http.GetAsync(new Uri("/health/live", UriKind.Relative), Ct);
        await client.PingAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private Task<InProcessServer> StartAsync(string? reloadCheck = null, string listeners = "both")
        => InProcessServer.StartAsync(new Dictionary<string, string?>
        {
            ["Registry:Tls:CertificateFile"] = CertificateFile,
            ["Registry:Tls:KeyFile"] = KeyFile,
            ["Registry:Tls:Listeners"] = listeners,
            ["Registry:Tls:ReloadCheckInterval"] = reloadCheck ?? "00:00:10",
        });

    private RegistryClientOptions BinaryOptions(InProcessServer server, bool trusted) => new()
    {
        Endpoints = [$"localhost:{server.BinaryEndpoint.Port}"],
        ConnectTimeout = TimeSpan.FromSeconds(2),
        Tls = new RegistryClientTls { TrustedRoots = trusted ? [_authority.Root] : null },
    };

    private static HttpClient HttpsClient(X509Certificate2 root) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (errors is not (SslPolicyErrors.None or SslPolicyErrors.RemoteCertificateChainErrors) || certificate is null)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build((X509Certificate2)certificate);
            },
        },
    });

    /// <summary>The serial number of the certificate a new TLS connection to <paramref name="endpoint"/> is shown.</summary>
    private static async Task<string> PresentedSerialAsync(IPEndPoint endpoint)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint, Ct);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, Ct);
        return tls.RemoteCertificate!.GetSerialNumberString();
    }
}
