namespace Registry.Engine.Storage.S3;

/// <summary>The content tier (<c>Registry:ContentStore:S3:...</c>).</summary>
public sealed class S3TierOptions
{
    /// <summary>Service URL of the S3 endpoint (e.g. <c>https://s3.eu-west-1.amazonaws.com</c> or a MinIO URL); empty disables the tier.</summary>
    public string ServiceUrl { get; set; } = string.Empty;

    /// <summary>The bucket; created when missing.</summary>
    public string Bucket { get; set; } = "schema-registry";

    /// <summary>Prefix of every object key.</summary>
    public string KeyPrefix { get; set; } = "schemas/sha256/";

    /// <summary>Access key (empty: the SDK's default credential chain).</summary>
    public string AccessKey { get; set; } = string.Empty;

    /// <summary>Secret key.</summary>
    public string SecretKey { get; set; } = string.Empty;

    /// <summary>Signing region.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), needed by most S3-compatible servers.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Read schema content from S3 on a shared-cache miss (metadata then comes from the system of record's index).</summary>
    public bool ReadThrough { get; set; } = true;

    /// <summary>Longest time one S3 call may take before the tier is skipped for that read.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most connections to the S3 endpoint.</summary>
    public int MaxConnections { get; set; } = 32;

    /// <summary>Consecutive failures that open the circuit breaker.</summary>
    public int BreakerThreshold { get; set; } = 3;

    /// <summary>How long the breaker stays open before one call probes again.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(10);
}
