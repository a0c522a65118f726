using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Registry.Engine.Services;
using Registry.Engine.Storage.Tiers;
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

    /// <summary>OTLP collector address; when set, traces and metrics are exported there.</summary>
    public const string OtlpEndpointKey = "Registry:Telemetry:Otlp:Endpoint";

    /// <summary><c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public const string OtlpProtocolKey = "Registry:Telemetry:Otlp:Protocol";

    /// <summary>Share of traces started here that are recorded (0 to 1); a caller's sampled <c>traceparent</c> is followed.</summary>
    public const string TraceSampleRatioKey = "Registry:Telemetry:Tracing:SampleRatio";

    public static void AddRegistryTelemetry(this WebApplicationBuilder builder)
    {
        // Every log line written while a request is handled carries its trace and span ids (a scope of the JSON logs).
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.AddOtlpExport();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(sp => new RegistryMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<BinaryConnectionSet>()));
        if (MetricsEnabled(builder.Configuration))
        {
            builder.Services.AddSingleton(sp => new PrometheusExporter(sp.GetRequiredService<IMeterFactory>(), []));
        }

        if (AccessLog.ReadSettings(builder.Configuration) is { } ratio)
        {
            builder.Services.AddSingleton(sp => new AccessLog(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Access"), ratio));
        }
    }

    /// <summary>With the access log on, one line per HTTP request once its response is written (the first middleware).</summary>
    public static void UseAccessLog(this WebApplication app)
    {
        if (app.Services.GetService<AccessLog>() is not { } log)
        {
            return;
        }

        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                log.Http(context, started);
            }
        });
    }

    public static void MapMetrics(this WebApplication app)
    {
        if (!MetricsEnabled(app.Configuration))
        {
            return;
        }

        // Created before the first request, so the instruments created at start-up are published to the listener.
        var exporter = app.Services.GetRequiredService<PrometheusExporter>();
        exporter.Attach(app.Services.GetRequiredService<RegistryMetrics>());
        app.MapGet("/metrics", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8");
        });
    }

    /// <summary>
    /// With <see cref="OtlpEndpointKey"/> set: the OpenTelemetry SDK records the registry's spans (binary requests,
    /// engine steps, store calls) under ASP.NET Core's request spans, and exports them and the registry's meters over
    /// OTLP. Without it no tracer listens, so no span is created.
    /// </summary>
    private static void AddOtlpExport(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[OtlpEndpointKey];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return;
        }

        if (!Uri.TryCreate(configured, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"{OtlpEndpointKey} must be an http:// or https:// address such as http://localhost:4317, not '{configured}'.");
        }

        var protocol = builder.Configuration[OtlpProtocolKey] switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"{OtlpProtocolKey} must be grpc or http/protobuf, not '{other}'."),
        };

        var ratio = 1.0;
        if (builder.Configuration[TraceSampleRatioKey] is { Length: > 0 } text
            && (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) || ratio is < 0 or > 1))
        {
            throw new InvalidOperationException($"{TraceSampleRatioKey} must be a number from 0 to 1, not '{text}'.");
        }

        void Configure(OtlpExporterOptions o)
        {
            o.Endpoint = endpoint;
            o.Protocol = protocol;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("llm-schema-registry", serviceVersion: typeof(TelemetryHosting).Assembly.GetName().Version?.ToString()))
            .WithTracing(t => t
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)))
                .AddSource(EngineTracing.SourceName, "Microsoft.AspNetCore")
                .AddOtlpExporter(Configure))
            .WithMetrics(m => m
                .AddMeter(EngineMetrics.MeterName, TierMetrics.MeterName, RegistryMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddOtlpExporter(Configure));
    }

    private static bool MetricsEnabled(IConfiguration configuration) =>
        !string.Equals(configuration[MetricsEnabledKey], "false", StringComparison.OrdinalIgnoreCase);
}
