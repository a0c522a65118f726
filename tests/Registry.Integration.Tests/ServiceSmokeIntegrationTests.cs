using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Npgsql;
using Registry.Testing;
using StackExchange.Redis;

namespace Registry.Integration.Tests;

/// <summary>Proves the fixture reaches each external service with the client library the registry uses.</summary>
[Trait("Requires", "postgres")]
[Trait("Requires", "redis")]
[Trait("Requires", "s3")]
public sealed class ServiceSmokeIntegrationTests
{
    [Fact]
    public async Task Postgres_answers_a_query_in_a_fresh_database()
    {
        var connectionString = await TestServices.CreatePostgresDatabaseAsync("smoke");
        await using var dataSource = new NpgsqlSlimDataSourceBuilder(connectionString).Build();
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using (var create = new NpgsqlCommand("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'one')", connection))
        {
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var select = new NpgsqlCommand("SELECT v FROM t WHERE id = 1", connection);
        var value = await select.ExecuteScalarAsync(TestContext.Current.CancellationToken);

        Assert.Equal("one", value);
    }

    [Fact]
    public async Task Redis_sets_and_gets_a_value()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await TestServices.RedisAsync());
        var db = redis.GetDatabase();
        var key = $"smoke:{Guid.NewGuid():N}";

        await db.StringSetAsync(key, "value", TimeSpan.FromMinutes(1));
        var read = await db.StringGetAsync(key);

        Assert.Equal("value", (string?)read);
    }

    [Fact]
    public async Task S3_creates_a_bucket_puts_and_gets_an_object_intact()
    {
        var endpoint = await TestServices.S3Async();
        using var s3 = new AmazonS3Client(
            new BasicAWSCredentials(endpoint.AccessKey, endpoint.SecretKey),
            new AmazonS3Config { ServiceURL = endpoint.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var bucket = $"smoke-{Guid.NewGuid():N}";
        var content = RandomNumberGenerator.GetBytes(64 * 1024);
        var ct = TestContext.Current.CancellationToken;

        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, ct);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "object.bin",
            InputStream = new MemoryStream(content),
            // Without this, the SDK frames the body as aws-chunked and some S3-compatible servers store the framing.
            UseChunkEncoding = false,
        }, ct);
        using var response = await s3.GetObjectAsync(bucket, "object.bin", ct);
        using var read = new MemoryStream();
        await response.ResponseStream.CopyToAsync(read, ct);

        Assert.Equal(SHA256.HashData(content), SHA256.HashData(read.ToArray()));
    }
}
