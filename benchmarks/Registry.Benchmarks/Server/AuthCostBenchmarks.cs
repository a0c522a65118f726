using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Registry.Client;
using Registry.Protocol.Messages;
using Registry.Server.Hosting;

namespace Registry.Benchmarks.Server;

/// <summary>Who the benchmark's requests are from.</summary>
public enum AuthMode
{
    /// <summary>Security off: no credentials, no checks.</summary>
    Off,

    /// <summary>Security on, an API key (looked up once, then from the key cache).</summary>
    ApiKey,

    /// <summary>Security on, an ES256 JWT (its signature verified on every HTTP request; once per binary connection).</summary>
    Jwt,
}

/// <summary>
/// What authentication costs on the hot paths: a real server in this process on loopback, read by id over HTTP
/// (<c>GET /schemas/ids/{id}</c>, a fresh request each time) and over the binary protocol (GET_SCHEMA_BY_ID without the
/// client's cache, and VALIDATE), with security off, with an API key and with a JWT, side by side in one run.
/// The ratio against <see cref="AuthMode.Off"/> is the cost; run with <c>--filter '*AuthCost*'</c>.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class AuthCostBenchmarks
{
    private const string AdminKey = "rk_0e0e0e0e0e0e0e0e.the-benchmark-admin-secret";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "registry-auth-bench-" + Guid.NewGuid().ToString("N"));
    private readonly ECDsa _signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private WebApplication? _app;
    private HttpClient? _http;
    private RegistryClient? _client;
    private int _schemaId;
    private string _byId = "";
    private readonly byte[] _document = """{"id":7,"name":"widget"}"""u8.ToArray();

    [Params(AuthMode.Off, AuthMode.ApiKey, AuthMode.Jwt)]
    public AuthMode Auth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        var jwks = Path.Combine(_folder, "jwks.json");
        var q = _signer.ExportParameters(false).Q;
        File.WriteAllText(jwks, $$"""{"keys":[{"kty":"EC","crv":"P-256","kid":"b1","x":"{{Base64Url.EncodeToString(q.X)}}","y":"{{Base64Url.EncodeToString(q.Y)}}"}]}""");
        var settings = new Dictionary<string, string?>
        {
            ["Registry:Listen:Http"] = "127.0.0.1:0",
            ["Registry:Listen:Binary"] = "127.0.0.1:0",
            ["Registry:Storage:Sqlite:Path"] = Path.Combine(_folder, "registry.db"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        };
        if (Auth != AuthMode.Off)
        {
            settings["Registry:Security:Enabled"] = "true";
            settings["Registry:Security:BootstrapAdminKey"] = AdminKey;
            settings["Registry:Security:Jwt:JwksFile"] = jwks;
            settings["Registry:Security:Jwt:Issuers:0"] = "https://idp.example";
            settings["Registry:Security:Jwt:Audiences:0"] = "schema-registry";

            // Rate limits are a separate budget; the benchmark measures authentication, not refusals.
            settings["Registry:Security:RateLimit:ReadsPerSecond"] = "0";
            settings["Registry:Security:RateLimit:WritesPerSecond"] = "0";
        }

        _app = RegistryServer.Create([], builder => builder.Configuration.AddInMemoryCollection(settings));
        _app.StartAsync().GetAwaiter().GetResult();
        var endpoints = _app.Services.GetRequiredService<BoundEndpoints>();
        var credential = Auth switch
        {
            AuthMode.ApiKey => AdminKey,
            AuthMode.Jwt => Token(),
            _ => null,
        };
        _http = new HttpClient { BaseAddress = new Uri($"http://{endpoints.Http}") };
        if (credential is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        using (var register = new HttpRequestMessage(HttpMethod.Post, "/subjects/bench-value/versions")
        {
            Content = new StringContent("""{"schemaType":"JSON","schema":"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}},\"required\":[\"id\"]}"}""", Encoding.UTF8, "application/vnd.schemaregistry.v1+json"),
        })
        {
            using var response = _http.Send(register);
            response.EnsureSuccessStatusCode();
            using var body = System.Text.Json.JsonDocument.Parse(response.Content.ReadAsStream());
            _schemaId = body.RootElement.GetProperty("id").GetInt32();
        }

        _byId = $"/schemas/ids/{_schemaId}";
        _client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [endpoints.Binary!.ToString()],
            ClientName = "auth-bench",
            Credentials = credential is null ? null : new Credentials("bearer", Encoding.UTF8.GetBytes(credential)),
        });
        if (HttpGetById() == 0 || BinaryGetById().GetAwaiter().GetResult() != _schemaId || !BinaryValidate().GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("A warm-up request was not answered with success.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _http!.Dispose();
        _app!.StopAsync().GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _signer.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>GET /schemas/ids/{id} (Confluent path), the body read; returns its length.</summary>
    [Benchmark]
    public int HttpGetById()
    {
        using var response = _http!.Send(new HttpRequestMessage(HttpMethod.Get, _byId));
        response.EnsureSuccessStatusCode();
        return (int)response.Content.ReadAsStream().Length;
    }

    /// <summary>GET_SCHEMA_BY_ID on the authenticated connection, past the client's cache.</summary>
    [Benchmark]
    public async Task<int> BinaryGetById() => (await _client!.FetchSchemaAsync(_schemaId)).Id;

    /// <summary>VALIDATE of a valid document on the authenticated connection.</summary>
    [Benchmark]
    public async Task<bool> BinaryValidate() => (await _client!.ValidateAsync(_schemaId, _document)).IsValid;

    private string Token()
    {
        var header = Base64Url.EncodeToString("""{"alg":"ES256","kid":"b1"}"""u8);
        var claims = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $$"""{"iss":"https://idp.example","aud":"schema-registry","sub":"bench","exp":{{DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds()}},"registry_role":"admin"}"""));
        var signature = _signer.SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return header + "." + claims + "." + Base64Url.EncodeToString(signature);
    }
}

/// <summary>
/// <c>auth-cost [requests] [rounds]</c>: the same three operations timed in plain loops, the modes alternating round
/// by round so that a noisy machine affects all of them alike; prints the median time per request of each mode and
/// its ratio to security off. Quicker than the BenchmarkDotNet run (no build of a job), coarser in its figures.
/// </summary>
public static class AuthCostRunner
{
    public static int Run(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5_000;
        var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        var modes = Enum.GetValues<AuthMode>();
        var benches = modes.Select(m => new AuthCostBenchmarks { Auth = m }).ToArray();
        foreach (var bench in benches)
        {
            bench.Setup();
        }

        string[] operations = ["HttpGetById", "BinaryGetById", "BinaryValidate"];
        var samples = new List<double>[modes.Length, operations.Length];
        for (var m = 0; m < modes.Length; m++)
        {
            for (var o = 0; o < operations.Length; o++)
            {
                samples[m, o] = [];
            }
        }

        try
        {
            for (var round = 0; round < rounds; round++)
            {
                for (var m = 0; m < modes.Length; m++)
                {
                    var bench = benches[m];
                    samples[m, 0].Add(Time(requests, () => bench.HttpGetById()));
                    samples[m, 1].Add(Time(requests, () => bench.BinaryGetById().GetAwaiter().GetResult()));
                    samples[m, 2].Add(Time(requests, () => bench.BinaryValidate().GetAwaiter().GetResult()));
                }
            }
        }
        finally
        {
            foreach (var bench in benches)
            {
                bench.Cleanup();
            }
        }

        Console.WriteLine($"auth-cost: {requests} requests per operation and mode, {rounds} rounds (median µs per request; ratio to Off)");
        Console.WriteLine("| operation | " + string.Join(" | ", modes) + " |");
        Console.WriteLine("| --- |" + string.Concat(Enumerable.Repeat(" ---: |", modes.Length)));
        for (var o = 0; o < operations.Length; o++)
        {
            var off = Median(samples[0, o]);
            var cells = new string[modes.Length];
            for (var m = 0; m < modes.Length; m++)
            {
                var median = Median(samples[m, o]);
                cells[m] = m == 0 ? $"{median:0.0}" : $"{median:0.0} ({median / off:0.00}×)";
            }

            Console.WriteLine($"| {operations[o]} | {string.Join(" | ", cells)} |");
        }

        return 0;
    }

    private static double Time(int requests, Action call)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < requests; i++)
        {
            call();
        }

        return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds / requests;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
