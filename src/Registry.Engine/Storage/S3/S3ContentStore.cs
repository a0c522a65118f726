using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Registry.Engine.Storage.Tiers;

namespace Registry.Engine.Storage.S3;

/// <summary>
/// Schema content on S3, one object per distinct content, named by the SHA-256 of its bytes. Objects are immutable
/// (the same key always holds the same bytes), so a put is idempotent and a read can be cached forever. The bucket is
/// created when missing, at start-up or on the first put that finds it gone.
/// </summary>
public sealed partial class S3ContentStore : IContentStore
{
    private readonly AmazonS3Client _client;
    private readonly S3TierOptions _options;
    private readonly ILogger _logger;
    private int _bucketReady;

    /// <summary>Creates the client; nothing is contacted until <see cref="InitializeAsync"/>.</summary>
    public S3ContentStore(S3TierOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            Timeout = options.OperationTimeout,
            MaxErrorRetry = 0, // the circuit breaker decides when to try again
            MaxConnectionsPerServer = Math.Max(1, options.MaxConnections),
        };
        _client = string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        Location = $"{options.ServiceUrl.TrimEnd('/')}/{options.Bucket}/{options.KeyPrefix}";
    }

    /// <summary>Endpoint, bucket and prefix, for logs.</summary>
    public string Location { get; }

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException or TaskCanceledException)
        {
            // Not fatal: the content tier is optional, and the bucket is created on the first put that needs it.
            Log.BucketFailed(_logger, _options.Bucket, e.Message);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(ReadOnlyMemory<byte> sha256, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        try
        {
            using var response = await _client.GetObjectAsync(_options.Bucket, Key(sha256.Span), timeout.Token).ConfigureAwait(false);
            var length = response.ContentLength;
            using var buffer = length is > 0 and <= int.MaxValue ? new MemoryStream((int)length) : new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, timeout.Token).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task PutAsync(ReadOnlyMemory<byte> sha256, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        try
        {
            await PutOnceAsync(sha256, content, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            Volatile.Write(ref _bucketReady, 0);
            await EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
            await PutOnceAsync(sha256, content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task PutOnceAsync(ReadOnlyMemory<byte> sha256, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        using var body = new MemoryStream(content.ToArray(), writable: false);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = Key(sha256.Span),
            InputStream = body,
            ContentType = "application/schema+json",

            // Plain body: with aws-chunked framing some S3-compatible servers store the framing with the bytes.
            UseChunkEncoding = false,
            AutoCloseStream = false,
        }, timeout.Token).ConfigureAwait(false);
    }

    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _bucketReady) == 1)
        {
            return;
        }

        using var timeout = Timeout(cancellationToken);
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, timeout.Token).ConfigureAwait(false);
            Log.BucketCreated(_logger, _options.Bucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists" || e.StatusCode == HttpStatusCode.Conflict)
        {
            // Already there (created by another replica, or earlier).
        }

        Volatile.Write(ref _bucketReady, 1);
    }

    private string Key(ReadOnlySpan<byte> sha256) => _options.KeyPrefix + Convert.ToHexStringLower(sha256);

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_options.OperationTimeout);
        return source;
    }

    private static partial class Log
    {
        [LoggerMessage(121, LogLevel.Information, "Content tier: bucket {Bucket} created")]
        public static partial void BucketCreated(ILogger logger, string bucket);

        [LoggerMessage(122, LogLevel.Warning, "Content tier: bucket {Bucket} could not be checked or created ({Reason}); retried on the first write")]
        public static partial void BucketFailed(ILogger logger, string bucket, string reason);
    }
}
