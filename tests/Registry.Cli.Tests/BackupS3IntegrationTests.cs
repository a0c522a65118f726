using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Registry.Cli.Remote;
using Registry.Server.Tests;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// <c>registry backup s3://…</c> and <c>registry restore s3://…</c> against the S3-compatible server of
/// scripts/services.sh (REGISTRY_TEST_S3_URL): the object holds the backup byte for byte, restores as a file does,
/// and a damaged or missing object is refused.
/// </summary>
[Trait("Requires", "s3")]
public sealed class BackupS3IntegrationTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _folder = new("registry-cli-backup-s3");
    private readonly string _bucket = "registry-backup-" + Guid.NewGuid().ToString("N")[..12];
    private InProcessServer _source = null!;
    private InProcessServer _target = null!;
    private S3Endpoint _s3 = null!;
    private Dictionary<string, string> _environment = null!;

    public async ValueTask InitializeAsync()
    {
        _s3 = await TestServices.S3Async();
        _environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = _s3.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = _s3.SecretKey,
            ["AWS_ENDPOINT_URL_S3"] = _s3.ServiceUrl,
        };
        using (var s3 = Storage())
        {
            await s3.CreateBucketAsync(_bucket, TestContext.Current.CancellationToken);
        }

        _source = await InProcessServer.StartAsync();
        _target = await InProcessServer.StartAsync();
        await BackupSource.SeedAsync(_source, _folder);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _folder.Dispose();
    }

    private S3Storage Storage() =>
        new(new S3Settings(_s3.AccessKey, _s3.SecretKey, null, "us-east-1", new Uri(_s3.ServiceUrl)), TimeSpan.FromSeconds(30));

    private static string[] At(InProcessServer server, params string[] args) => [.. args, "--server", $"http://{server.HttpEndpoint}"];

    private Task<(int ExitCode, string Stdout, string Stderr)> Run(InProcessServer server, params string[] args) =>
        CliRunner.RunWithEnvironmentAsync("", _environment, At(server, args));

    private async Task<string> Succeed(InProcessServer server, params string[] args)
    {
        var (code, stdout, stderr) = await Run(server, args);
        Assert.True(code == 0, $"{string.Join(' ', args)} exited with {code}: {stdout} {stderr}");
        return stdout;
    }

    private async Task<byte[]> ObjectAsync(string key)
    {
        using var s3 = Storage();
        var (body, _) = await s3.OpenAsync(new S3Location(_bucket, key), TestContext.Current.CancellationToken);
        await using (body)
        {
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy, TestContext.Current.CancellationToken);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task A_backup_to_S3_holds_the_exact_bytes_and_restores_with_the_same_answers()
    {
        var url = $"s3://{_bucket}/nightly/registry.jsonl";

        var backup = await Succeed(_source, "backup", url, "--json");
        var verify = await Succeed(_target, "restore", url, "--verify");
        var restore = await Succeed(_target, "restore", url);

        using var summary = JsonDocument.Parse(backup);
        var stored = await ObjectAsync("nightly/registry.jsonl");
        Assert.Equal(summary.RootElement.GetProperty("bytes").GetInt64(), stored.Length);
        Assert.Equal(summary.RootElement.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(stored)));
        Assert.StartsWith("{\"format\":\"llm-schema-registry-backup\"", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.StartsWith("The backup is intact: 2 schemas", verify, StringComparison.Ordinal);
        Assert.StartsWith("Restored 2 schemas, 2 subjects, 2 versions and 1 settings from " + url, restore, StringComparison.Ordinal);
        string[][] reads = [["subjects", "list"], ["versions", "show", "order", "1", "--json"], ["versions", "list", "address", "--json"], ["config", "get", "order", "--json"], ["schemas", "get", "2", "--json"]];
        foreach (var read in reads)
        {
            Assert.Equal(await Succeed(_source, read), await Succeed(_target, read));
        }
    }

    [Fact]
    public async Task A_key_ending_in_gz_is_stored_compressed_and_restores_transparently()
    {
        var url = $"s3://{_bucket}/registry.jsonl.gz";

        var backup = await Succeed(_source, "backup", url, "--json");
        var restore = await Succeed(_target, "restore", url);

        using var summary = JsonDocument.Parse(backup);
        var stored = await ObjectAsync("registry.jsonl.gz");
        Assert.Equal((0x1f, 0x8b), (stored[0], stored[1]));
        Assert.Equal(stored.Length, summary.RootElement.GetProperty("file_bytes").GetInt64());
        await using var unzip = new GZipStream(new MemoryStream(stored), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await unzip.CopyToAsync(plain, TestContext.Current.CancellationToken);
        Assert.Equal(summary.RootElement.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(plain.ToArray())));
        Assert.StartsWith("Restored 2 schemas", restore, StringComparison.Ordinal);
        Assert.Equal(await Succeed(_source, "versions", "show", "order", "1", "--json"), await Succeed(_target, "versions", "show", "order", "1", "--json"));
    }

    [Fact]
    public async Task An_existing_object_is_replaced_only_with_force()
    {
        var url = $"s3://{_bucket}/again.jsonl";
        await Succeed(_source, "backup", url);

        var (code, _, stderr) = await Run(_source, "backup", url);
        var forced = await Succeed(_source, "backup", url, "--force");

        Assert.Equal(2, code);
        Assert.Equal($"registry backup: '{url}' exists; give --force to replace it\n", stderr);
        Assert.StartsWith("Backed up 2 schemas", forced, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_object_is_refused_and_nothing_is_restored()
    {
        var url = $"s3://{_bucket}/damaged.jsonl";
        await Succeed(_source, "backup", url);
        var bytes = await ObjectAsync("damaged.jsonl");
        var damaged = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("city", "town", StringComparison.Ordinal));
        using (var s3 = Storage())
        {
            await s3.PutAsync(new S3Location(_bucket, "damaged.jsonl"), damaged, TestContext.Current.CancellationToken);
        }

        var (verifyCode, _, verifyError) = await Run(_target, "restore", url, "--verify");
        var (code, _, stderr) = await Run(_target, "restore", url);

        Assert.Equal(1, verifyCode);
        Assert.Contains("SHA-256", verifyError, StringComparison.Ordinal);
        Assert.Equal(3, code);
        Assert.Contains("invalid_request", stderr, StringComparison.Ordinal);
        Assert.Equal("", await Succeed(_target, "subjects", "list"));
    }

    [Fact]
    public async Task A_missing_object_or_bucket_missing_credentials_and_a_malformed_address_are_bad_input_with_plain_messages()
    {
        var (missing, _, missingError) = await Run(_target, "restore", $"s3://{_bucket}/nope.jsonl");
        var (noBucket, _, noBucketError) = await Run(_source, "backup", $"s3://{_bucket}-absent/x.jsonl");
        var (noKeys, _, noKeysError) = await CliRunner.RunAsync("", At(_source, "backup", $"s3://{_bucket}/x.jsonl"));
        var (noKey, _, noKeyError) = await Run(_source, "backup", $"s3://{_bucket}/");
        var (badBucket, _, badBucketError) = await Run(_source, "backup", "s3://Bad_Bucket/x.jsonl");

        Assert.Equal((2, 2, 2, 2, 2), (missing, noBucket, noKeys, noKey, badBucket));
        Assert.Equal($"registry restore: S3 refused GET s3://{_bucket}/nope.jsonl: NoSuchKey (The specified key does not exist.)\n", missingError);
        Assert.StartsWith($"registry backup: S3 refused PUT s3://{_bucket}-absent/x.jsonl: NoSuchBucket", noBucketError, StringComparison.Ordinal);
        Assert.Contains("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", noKeysError, StringComparison.Ordinal);
        Assert.Contains("names no object", noKeyError, StringComparison.Ordinal);
        Assert.Contains("does not name an S3 bucket", badBucketError, StringComparison.Ordinal);
        foreach (var message in new[] { missingError, noBucketError, noKeysError, noKeyError, badBucketError })
        {
            Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_large_upload_goes_up_in_parts_and_comes_back_byte_for_byte_and_an_aborted_one_leaves_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var content = new byte[(11 * 1024 * 1024) + 12345];
        new Random(23).NextBytes(content);
        var location = new S3Location(_bucket, "parts/large.bin");
        var aborted = new S3Location(_bucket, "parts/aborted.bin");
        using var s3 = Storage();

        await using (var upload = new S3UploadStream(s3, location, partBytes: 5 * 1024 * 1024))
        {
            for (var offset = 0; offset < content.Length; offset += 777_777)
            {
                await upload.WriteAsync(content.AsMemory(offset, Math.Min(777_777, content.Length - offset)), ct);
            }

            await upload.CompleteAsync(ct);
        }

        await using (var upload = new S3UploadStream(s3, aborted, partBytes: 5 * 1024 * 1024))
        {
            await upload.WriteAsync(content, ct);
            await upload.AbortAsync();
        }

        Assert.Equal(content.Length, await s3.SizeAsync(location, ct));
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await ObjectAsync("parts/large.bin")));
        Assert.Null(await s3.SizeAsync(aborted, ct));
    }
}

/// <summary>
/// The Signature Version 4 of the S3 calls, against signatures botocore's S3SigV4Auth computed for the same requests
/// (the S3-compatible test server does not check signatures, AWS does).
/// </summary>
public sealed class S3SignatureTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static S3Storage Storage(string? token, Uri? endpoint) =>
        new(new S3Settings("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token, "eu-west-1", endpoint), TimeSpan.FromSeconds(5));

    [Fact]
    public void A_part_upload_with_a_session_token_is_signed_as_the_AWS_tools_sign_it()
    {
        using var s3 = Storage("token", new Uri("http://127.0.0.1:9000"));

        using var request = s3.CreateRequest(HttpMethod.Put, "backups", "nightly/registry a.jsonl", "partNumber=2&uploadId=" + S3Storage.Encode("abc/def"), "hello\n"u8.ToArray(), At);

        Assert.Equal("http://127.0.0.1:9000/backups/nightly/registry%20a.jsonl?partNumber=2&uploadId=abc%2Fdef", request.RequestUri!.AbsoluteUri);
        Assert.Equal("20260301T120000Z", request.Headers.GetValues("x-amz-date").Single());
        Assert.Equal("token", request.Headers.GetValues("x-amz-security-token").Single());
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=e4286280e4a25153aa186ebb9b4ec20bcfc9f2024e2331939b31507f45677336",
            request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public void The_start_of_a_multipart_upload_and_a_get_from_AWS_itself_are_signed_as_the_AWS_tools_sign_them()
    {
        using var local = Storage(null, new Uri("http://127.0.0.1:9000"));
        using var aws = Storage(null, null);

        using var start = local.CreateRequest(HttpMethod.Post, "backups", "r.jsonl", "uploads=", null, At);
        using var get = aws.CreateRequest(HttpMethod.Get, "examplebucket", "café/r.jsonl", "", null, At);

        Assert.EndsWith("Signature=fa03e68d0cfbfd9d01ef269a78010850dece63aa9aa789cff56acc9c9ff1fa56", start.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
        Assert.Equal("https://examplebucket.s3.eu-west-1.amazonaws.com/caf%C3%A9/r.jsonl", get.RequestUri!.AbsoluteUri);
        Assert.EndsWith("Signature=6dee1404d71eb20d44c8a06e657a997830f388fa11544220a8f49e6a8ba71945", get.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3://backups/registry.jsonl", "backups", "registry.jsonl")]
    [InlineData("S3://my.bucket-1/a/b/c.jsonl.gz", "my.bucket-1", "a/b/c.jsonl.gz")]
    public void An_s3_address_names_a_bucket_and_a_key(string text, string bucket, string key)
    {
        Assert.Equal(new S3Location(bucket, key), S3Location.Parse(text));
    }

    [Theory]
    [InlineData("s3://ab/x")]
    [InlineData("s3://Backups/x")]
    [InlineData("s3://backups")]
    [InlineData("s3://backups/a//b")]
    [InlineData("s3://backups/a/../b")]
    public void A_malformed_s3_address_is_bad_input(string text)
    {
        Assert.Throws<Registry.Cli.Commands.InputException>(() => S3Location.Parse(text));
    }
}
