using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Registry.Server.Binary;
using Registry.Server.Binary.Transport;
using Registry.Server.Confluent;
using Registry.Server.Http;
using Registry.Server.Http.Native;
using Registry.Server.Security;
using Registry.Server.Telemetry;

namespace Registry.Server.Hosting;

/// <summary>Builds the registry's web application: configuration, logging, listeners and endpoints.</summary>
public static class RegistryServer
{
    /// <summary>
    /// Creates the application. <paramref name="configure"/> runs after the defaults are applied, so tests can
    /// override configuration (for example ports of 0) before the listeners are bound.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json ships beside the binary (build and publish output), so it is read from there whatever the
        // working directory; relative data paths (the SQLite file) still resolve against the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        ConfigureLogging(builder);

        var options = new ServerOptions();
        try
        {
            builder.Configuration.GetSection(ServerOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException e) when (ConfigurationErrors.TryDescribe(e, out var message))
        {
            throw new InvalidOperationException(message, e);
        }

        options.Binary.Validate();
        options.Tls.Validate();
        options.Cache.Validate();
        builder.Services.AddSingleton(options);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);

        var httpEndpoint = EndpointParser.Parse(options.Listen.Http, "Registry:Listen:Http");
        var binaryEndpoint = EndpointParser.Parse(options.Listen.Binary, "Registry:Listen:Binary");
        SecurityHosting.CheckExposure(options.Security, httpEndpoint, binaryEndpoint);
        var bound = new BoundEndpoints();
        builder.Services.AddSingleton(bound);
        builder.Services.AddRegistryEngine(options);
        builder.Services.AddRegistrySecurity(options);
        builder.Services.AddSingleton<BinaryConnectionSet>();
        builder.Services.AddSingleton<IConnectionListenerFactory, EventLoopTransportFactory>();
        builder.AddRegistryTelemetry();
        builder.Services.AddOpenApi("v1");

        // Read at build time so that a certificate that cannot be used stops the start with its reason.
        var certificates = options.Tls.Enabled
            ? new TlsCertificates(options.Tls)
            : null;
        if (certificates is not null)
        {
            builder.Services.AddSingleton(certificates);
        }

        Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? httpListen = null;
        Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? binaryListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.HttpApi.MaxRequestBodyBytes;
            kestrel.Listen(httpEndpoint, listen =>
            {
                if (options.Tls.OnHttp)
                {
                    // With TLS, ALPN negotiates HTTP/2 for clients that offer it.
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(Https(certificates!));
                }
                else
                {
                    // Plain-text listener: HTTP/2 would need TLS negotiation, so HTTP/1.1 it is.
                    listen.Protocols = HttpProtocols.Http1;
                }

                httpListen = listen;
            });
            EndPoint binaryAddress = options.Binary.UsesEventLoop
                ? new EventLoopEndPoint(binaryEndpoint, options.Binary.EventLoopCount, TimeSpan.FromMicroseconds(options.Binary.EventLoopSpinMicroseconds))
                : binaryEndpoint;
            kestrel.Listen(binaryAddress, listen =>
            {
                if (options.Tls.OnBinary)
                {
                    // TLS wraps the transport below the connection handler, which reads and writes frames unchanged.
                    listen.UseHttps(Https(certificates!));
                }

                listen.UseConnectionHandler<BinaryConnectionHandler>();
                binaryListen = listen;
            });
        });

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, NativeJsonContext.Default);

            // The native API's wire conventions; the OpenAPI document describes bodies with these options.
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            json.SerializerOptions.Encoder = NativeJsonContext.WireOptions().Encoder;
        });

        var app = builder.Build();
        certificates?.UseLogger(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Server.Tls"));
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Kestrel writes the bound port back into the listen options when port 0 was asked for.
            bound.Http = httpListen?.IPEndPoint;
            if (binaryListen?.EndPoint is EventLoopEndPoint loops)
            {
                bound.Binary = loops.Address;
                bound.BinaryTransport = loops.Loops == 1 ? "event loop, 1 thread" : $"event loop, {loops.Loops} threads";
            }
            else
            {
                bound.Binary = binaryListen?.IPEndPoint;
                bound.BinaryTransport = "sockets";
            }

            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Server");
            ServerLog.Ready(log, bound.Http?.ToString() ?? "?", bound.Binary?.ToString() ?? "?", bound.BinaryTransport);
            app.Services.GetRequiredService<Readiness>().ListenersOpened();
        });
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            app.Services.GetRequiredService<Readiness>().ListenersClosing();
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Server");
            ServerLog.Stopping(log);
        });

        app.UseAccessLog();
        app.UseRegistryErrors();
        app.MapHealthEndpoints();
        app.MapMetrics();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapNativeApi();
        app.MapStorageStatistics();
        app.MapConfluentApi();
        app.UseRegistrySecurity();
        app.MapSecurityEndpoints();
        return app;
    }

    /// <summary>
    /// Console logs are one JSON object per line by default (<c>Registry:LogFormat = json</c>), readable
    /// single lines with <c>text</c>.
    /// </summary>
    private static Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions Https(TlsCertificates certificates) => new()
    {
        ServerCertificateSelector = (_, _) => certificates.Current,
        SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
        HandshakeTimeout = TimeSpan.FromSeconds(10),
    };

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        var format = builder.Configuration["Registry:LogFormat"] ?? "json";
        if (string.Equals(format, "text", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.IncludeScopes = true;
            });
        }
    }
}

internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Registry ready: http={HttpEndpoint} binary={BinaryEndpoint} ({BinaryTransport})")]
    public static partial void Ready(ILogger logger, string httpEndpoint, string binaryEndpoint, string binaryTransport);

    [LoggerMessage(2, LogLevel.Information, "Registry stopping: draining connections")]
    public static partial void Stopping(ILogger logger);
}
