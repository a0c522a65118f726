using Microsoft.Extensions.Logging;

namespace Registry.Engine.Storage.Tiers;

/// <summary>What the parts of the tiered store log (event ids 131..138).</summary>
internal static partial class TierLog
{
    [LoggerMessage(131, LogLevel.Error, "Integrity: content from tier {Tier} for schema {SchemaId} hashes to {Actual}, not {Expected}; not served")]
    public static partial void IntegrityFailure(ILogger logger, string tier, long schemaId, string expected, string actual);

    [LoggerMessage(132, LogLevel.Warning, "Tier {Tier} failed: {Reason}")]
    public static partial void TierFailed(ILogger logger, string tier, string reason);

    [LoggerMessage(133, LogLevel.Warning, "Circuit breaker of tier {Tier} opened after {Failures} consecutive failures")]
    public static partial void BreakerOpened(ILogger logger, string tier, int failures);

    [LoggerMessage(134, LogLevel.Information, "Circuit breaker of tier {Tier} closed")]
    public static partial void BreakerClosed(ILogger logger, string tier);

    [LoggerMessage(135, LogLevel.Warning, "An invalidation could not be published ({Reason}); it is replayed when the channel is back")]
    public static partial void PublishFailed(ILogger logger, string reason);

    [LoggerMessage(136, LogLevel.Information, "Invalidations missed while the shared cache was unreachable were replayed")]
    public static partial void Replayed(ILogger logger);

    [LoggerMessage(137, LogLevel.Warning, "More than {Max} invalidations were pending; some shared-cache entries may stay stale until their TTL")]
    public static partial void PendingOverflow(ILogger logger, int max);

    [LoggerMessage(138, LogLevel.Warning, "The shared cache holds a malformed {Kind} entry for '{Name}'; treated as a miss")]
    public static partial void Malformed(ILogger logger, string kind, string name);
}
