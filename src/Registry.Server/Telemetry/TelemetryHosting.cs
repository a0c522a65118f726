using System.Diagnostics.Metrics;
using Registry.Server.Binary;

namespace Registry.Server.Telemetry;

/// <summary>
/// Registers the metrics instruments and, unless <c>Registry:Telemetry:Metrics:Enabled</c> is false, the Prometheus
/// exporter and its endpoint <c>GET /metrics</c>. With metrics off nothing listens to the instruments, so recording
/// costs one test of <see cref="Instrument.Enabled"/>.
/// </summary>
internal static class TelemetryHosting
{
    public const string MetricsEnabledKey = "Registry:Telemetry:Metrics:Enabled";

    public static void AddRegistryTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(sp => new RegistryMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<BinaryConnectionSet>()));
        if (MetricsEnabled(builder.Configuration))
        {
            builder.Services.AddSingleton(sp => new PrometheusExporter(sp.GetRequiredService<IMeterFactory>(), []));
        }
    }

    public static void MapMetrics(this WebApplication app)
    {
        if (!MetricsEnabled(app.Configuration))
        {
            return;
        }

        // Created before the first request, so the instruments created at start-up are published to the listener.
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        _ = app.Services.GetRequiredService<RegistryMetrics>();
        app.MapGet("/metrics", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8");
        });
    }

    private static bool MetricsEnabled(IConfiguration configuration) =>
        !string.Equals(configuration[MetricsEnabledKey], "false", StringComparison.OrdinalIgnoreCase);
}
