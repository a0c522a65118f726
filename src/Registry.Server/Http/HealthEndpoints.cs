using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Tiers;
using Registry.Server.Hosting;

namespace Registry.Server.Http;

/// <summary>Body of <c>GET /health/live</c>.</summary>
public sealed record HealthResponse(string Status, string Version);

[JsonSerializable(typeof(HealthResponse))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class ServerJsonContext : JsonSerializerContext;

/// <summary>
/// Liveness and readiness. <c>/health/live</c> says only that the process answers HTTP (a restart is the cure when it
/// does not). <c>/health/ready</c> (and its older name <c>/health</c>) says whether this replica should get traffic:
/// the system of record answers a read, the memory tier's warm-up is over and both listeners are open; the body shows
/// each check and each tier, and the status is 503 when any required check fails. Optional tiers (Redis, S3) are
/// reported but never make the replica unready: reads skip a failing optional tier.
/// </summary>
internal static class HealthEndpoints
{
    /// <summary>How long the system of record may take to answer the readiness read before it counts as down.</summary>
    public static readonly TimeSpan StoreCheckTimeout = TimeSpan.FromSeconds(2);

    private static readonly string Version =
        typeof(HealthEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static void MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/live", () => TypedResults.Ok(new HealthResponse("ok", Version)));
        routes.MapGet("/health/ready", ReadyAsync);
        routes.MapGet("/health", ReadyAsync);
    }

    private static async Task ReadyAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var readiness = services.GetRequiredService<Readiness>();
        var store = services.GetRequiredService<IRegistryStore>();
        var options = services.GetRequiredService<ServerOptions>();
        var tiered = store as TieredRegistryStore;
        var storeCheck = await CheckStoreAsync(tiered?.Inner ?? store, context.RequestAborted).ConfigureAwait(false);

        var warmedUp = readiness.WarmedUp;
        var listening = readiness.Listening;
        var ready = storeCheck.Up && warmedUp && listening;

        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", ready ? "ok" : "unavailable");
        json.WriteString("version", Version);
        json.WriteStartObject("checks");
        json.WriteString("warmup", warmedUp ? "done" : "running");
        json.WriteString("listeners", listening ? "open" : "closed");
        json.WriteEndObject();

        json.WriteStartObject("tiers");
        json.WriteStartObject("store");
        json.WriteString("provider", options.Storage.Provider.ToLowerInvariant());
        json.WriteString("status", storeCheck.Up ? "up" : "down");
        json.WriteNumber("check_ms", Math.Round(storeCheck.Elapsed.TotalMilliseconds, 1));
        if (storeCheck.Error is not null)
        {
            json.WriteString("error", storeCheck.Error);
        }

        Breaker(json, tiered?.Breakers.Store);
        json.WriteEndObject();
        Optional(json, "redis", tiered?.HasSharedCache ?? false, tiered?.Breakers.Shared);
        Optional(json, "s3", tiered?.HasContentTier ?? false, tiered?.Breakers.Content);
        json.WriteStartObject("memory");
        json.WriteString("status", "up");
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// One read of the global configuration from the system of record itself (not through the cache tiers, which could
    /// answer while the store is gone), within <see cref="StoreCheckTimeout"/>.
    /// </summary>
    private static async Task<StoreCheck> CheckStoreAsync(IRegistryStore store, CancellationToken aborted)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(StoreCheckTimeout);
        try
        {
            await store.GetConfigAsync(null, timeout.Token).ConfigureAwait(false);
            return new StoreCheck(true, Stopwatch.GetElapsedTime(started), null);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return new StoreCheck(false, Stopwatch.GetElapsedTime(started), "timed out");
        }
#pragma warning disable CA1031 // Any failure of the store means "not ready"; the body says so without the exception's details.
        catch (Exception) when (!aborted.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return new StoreCheck(false, Stopwatch.GetElapsedTime(started), "unreachable");
        }
    }

    private static void Optional(Utf8JsonWriter json, string name, bool configured, CircuitBreaker? breaker)
    {
        json.WriteStartObject(name);
        json.WriteString("status", !configured ? "not_configured" : breaker?.IsOpen == true ? "down" : "up");
        if (configured)
        {
            Breaker(json, breaker);
        }

        json.WriteEndObject();
    }

    private static void Breaker(Utf8JsonWriter json, CircuitBreaker? breaker)
        => json.WriteString("breaker", breaker is null ? "none" : breaker.IsOpen ? "open" : "closed");

    private readonly record struct StoreCheck(bool Up, TimeSpan Elapsed, string? Error);
}

/// <summary>
/// What readiness knows beyond the store: whether the memory tier's warm-up is over and whether the listeners are open
/// (set when the host has started, cleared when it begins to stop, so a draining replica leaves the load balancer).
/// </summary>
internal sealed class Readiness
{
    private volatile bool _warmedUp;
    private volatile bool _listening;

    public bool WarmedUp => _warmedUp;

    public bool Listening => _listening;

    public void WarmupDone() => _warmedUp = true;

    public void ListenersOpened() => _listening = true;

    public void ListenersClosing() => _listening = false;
}
