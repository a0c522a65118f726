using System.Text.Json;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Tiers;
using Registry.Server.Http;

namespace Registry.Server.Hosting;

/// <summary>
/// <c>GET /v1/stats</c>: hits, misses, errors and breaker state per storage tier, the memory tier's size, and the
/// invalidation channel's counters. Written by hand with a <see cref="Utf8JsonWriter"/> (no serializer metadata).
/// The same counters are published as instruments of the <c>Registry.Storage</c> meter.
/// </summary>
internal static class StorageStatistics
{
    public static void MapStorageStatistics(this IEndpointRouteBuilder routes)
    {
        // A handler with parameters (not a bare RequestDelegate) so that the OpenAPI document describes it.
        routes.MapGet("/v1/stats", Stats)
            .WithName("GetStats").WithTags("registry")
            .WithSummary("Hits, misses, errors and breaker state per storage tier, the memory tier's size, and the invalidation channel's counters.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Query();
    }

    private static async Task Stats(HttpContext context, TierMetrics metrics, SchemaRegistry registry, IRegistryStore store)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        Write(json, metrics, registry, store as TieredRegistryStore);
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void Write(Utf8JsonWriter json, TierMetrics metrics, SchemaRegistry registry, TieredRegistryStore? tiered)
    {
        json.WriteStartObject();
        json.WriteStartObject("tiers");

        json.WriteStartObject("memory");
        Counters(json, metrics, Tier.Memory);
        json.WriteNumber("schemas", registry.Cache.Count);
        json.WriteNumber("schema_bytes", registry.Cache.Bytes);
        json.WriteNumber("schema_max_bytes", registry.Cache.MaxBytes);
        json.WriteNumber("facts", tiered?.Facts.Count ?? 0);
        json.WriteBoolean("facts_enabled", tiered?.Facts.Enabled ?? false);
        json.WriteEndObject();

        json.WriteStartObject("redis");
        json.WriteBoolean("configured", tiered?.HasSharedCache ?? false);
        Counters(json, metrics, Tier.Shared);
        Breaker(json, tiered?.Breakers.Shared);
        json.WriteEndObject();

        json.WriteStartObject("s3");
        json.WriteBoolean("configured", tiered?.HasContentTier ?? false);
        Counters(json, metrics, Tier.Content);
        Breaker(json, tiered?.Breakers.Content);
        json.WriteEndObject();

        json.WriteStartObject("store");
        Counters(json, metrics, Tier.Store);
        Breaker(json, tiered?.Breakers.Store);
        json.WriteEndObject();

        json.WriteEndObject();
        json.WriteStartObject("invalidations");
        json.WriteNumber("published", metrics.InvalidationsPublished);
        json.WriteNumber("received", metrics.InvalidationsReceived);
        json.WriteNumber("acknowledgement_timeouts", metrics.AcknowledgementTimeouts);
        json.WriteNumber("pending", tiered?.PendingInvalidations ?? 0);
        json.WriteNumber("stale_fills_refused", metrics.StaleFillsRefused);
        json.WriteNumber("stale_served", metrics.StaleServed);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Counters(Utf8JsonWriter json, TierMetrics metrics, Tier tier)
    {
        var hits = metrics.Hits(tier);
        var misses = metrics.Misses(tier);
        json.WriteNumber("hits", hits);
        json.WriteNumber("misses", misses);
        json.WriteNumber("hit_rate", hits + misses == 0 ? 0 : Math.Round((double)hits / (hits + misses), 4));
        json.WriteNumber("errors", metrics.Errors(tier));
        json.WriteNumber("skipped", metrics.Skipped(tier));
        json.WriteNumber("integrity_failures", metrics.IntegrityFailures(tier));
        json.WriteNumber("mean_call_us", Math.Round(metrics.MeanMicroseconds(tier), 1));
    }

    private static void Breaker(Utf8JsonWriter json, CircuitBreaker? breaker)
    {
        json.WriteString("breaker", breaker is null ? "none" : breaker.IsOpen ? "open" : "closed");
        json.WriteNumber("breaker_opened", breaker?.TimesOpened ?? 0);
    }
}
