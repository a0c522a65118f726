using System.Net;
using Registry.Engine;
using Registry.Engine.Security;
using Registry.Engine.Storage;
using Registry.Server.Security;

namespace Registry.Server.Hosting;

/// <summary>
/// Wires keys, the audit log and credentials to the store, refuses to expose an unauthenticated registry to the
/// network unless told to, and makes sure an administrator can get in (the bootstrap key).
/// </summary>
internal static partial class SecurityHosting
{
    public static void AddRegistrySecurity(this IServiceCollection services, ServerOptions options)
    {
        // A store of another kind (one written for tests, say) serves with security off; with it on, keys are needed.
        services.AddSingleton(sp => sp.GetRequiredService<IRegistryStore>() as ISecurityStore
            ?? (options.Security.Enabled
                ? throw new InvalidOperationException("Registry:Security:Enabled needs a store that keeps keys and the audit log (the embedded SQLite store or PostgreSQL).")
                : new NoSecurityStore()));
        services.AddSingleton(sp => new ApiKeyService(sp.GetRequiredService<ISecurityStore>(), TimeProvider.System, options.Security.KeyCacheTime));
        services.AddSingleton(sp => new AuditLog(sp.GetRequiredService<ISecurityStore>()));
        services.AddSingleton<AuditRecorder>();
        var jwt = options.Security.Jwt;
        var jwksUrl = jwt.JwksUrl is { Length: > 0 } url ? JwksRefresher.CheckUrl(url) : null;
        if (jwt.JwksFile is { Length: > 0 } || jwksUrl is not null)
        {
            if (jwt.JwksFile is { Length: > 0 } && jwksUrl is not null)
            {
                throw new InvalidOperationException("Registry:Security:Jwt takes JwksFile or JwksUrl, not both.");
            }

            if (jwt.Issuers.Count == 0 || jwt.Audiences.Count == 0)
            {
                throw new InvalidOperationException("Registry:Security:Jwt needs Issuers and Audiences beside JwksFile or JwksUrl.");
            }

            var settings = new JwtSettings
            {
                Issuers = [.. jwt.Issuers],
                Audiences = [.. jwt.Audiences],
                RoleClaim = jwt.RoleClaim,
                GrantsClaim = jwt.GrantsClaim,
                ClockSkew = jwt.ClockSkew,
            };
            if (jwksUrl is null)
            {
                services.AddSingleton(new JwtValidator(settings, File.ReadAllText(jwt.JwksFile!)));
            }
            else
            {
                services.AddSingleton(new JwtValidator(settings));
                services.AddSingleton(sp => new JwksRefresher(jwksUrl, jwt, sp.GetRequiredService<JwtValidator>(), TimeProvider.System, sp.GetRequiredService<ILogger<JwksRefresher>>()));
                services.AddHostedService(sp => sp.GetRequiredService<JwksRefresher>());
            }
        }

        services.AddSingleton<Credentials>();
        services.AddSingleton<RequestBudgets>();
        if (options.Security.Enabled)
        {
            services.AddSingleton<Binary.BinarySecurity>();
        }

        services.AddHostedService<SecurityBootstrap>();
    }

    /// <summary>
    /// With authentication off, a listener on an address other than loopback is refused unless
    /// <c>Registry:Security:AllowUnauthenticatedNetwork</c> says it is meant.
    /// </summary>
    public static void CheckExposure(SecurityOptions security, params IPEndPoint[] endpoints)
    {
        ArgumentNullException.ThrowIfNull(security);
        if (security.Enabled || security.AllowUnauthenticatedNetwork)
        {
            return;
        }

        foreach (var endpoint in endpoints)
        {
            if (!IPAddress.IsLoopback(endpoint.Address))
            {
                throw new InvalidOperationException(
                    $"The registry would listen on {endpoint} without authentication. Set Registry:Security:Enabled=true, " +
                    "or Registry:Security:AllowUnauthenticatedNetwork=true if anyone who reaches the port may change every schema.");
            }
        }
    }

    private static bool Exposed(ServerOptions options) =>
        !IPAddress.IsLoopback(EndpointParser.Parse(options.Listen.Http, "Registry:Listen:Http").Address)
        || !IPAddress.IsLoopback(EndpointParser.Parse(options.Listen.Binary, "Registry:Listen:Binary").Address);

    /// <summary>
    /// Runs in <see cref="StartingAsync"/>, after the store is opened (registered after it) and before the listeners
    /// start: stores the configured admin key, or generates one on the first start and prints it on the console once
    /// (not through logging, so that it reaches no log pipeline; it is never shown again).
    /// </summary>
    private sealed partial class SecurityBootstrap(ServerOptions options, ApiKeyService keys, ILogger<SecurityBootstrap> logger) : IHostedLifecycleService
    {
        public async Task StartingAsync(CancellationToken cancellationToken)
        {
            var security = options.Security;
            if (!security.Enabled)
            {
                if (Exposed(options))
                {
                    UnauthenticatedNetwork(logger);
                }

                return;
            }

            var generated = await keys.EnsureBootstrapAdminAsync(security.BootstrapAdminKey, cancellationToken).ConfigureAwait(false);
            if (generated is not null)
            {
                await Console.Out.WriteLineAsync(
                    "Registry: no admin key existed, so one was created. It is shown this once; store it now:" + Environment.NewLine +
                    "  " + generated + Environment.NewLine +
                    "Use it as 'Authorization: Bearer <key>' (or Basic with id:secret) to create other keys at POST /v1/keys, or with 'registry keys create --api-key <key>'.").ConfigureAwait(false);
                BootstrapKeyCreated(logger, generated[..generated.IndexOf(ApiKeyFormat.Separator, StringComparison.Ordinal)]);
            }
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(70, LogLevel.Warning, "Authentication is off and the registry listens beyond loopback (Registry:Security:AllowUnauthenticatedNetwork=true): anyone who reaches the ports may change every schema")]
        private static partial void UnauthenticatedNetwork(ILogger logger);

        [LoggerMessage(71, LogLevel.Warning, "Created the bootstrap admin key {KeyId}; its secret was printed on the console once")]
        private static partial void BootstrapKeyCreated(ILogger logger, string keyId);
    }
}

/// <summary>The keys and audit log of a store that keeps neither, with security off: nothing to read, nothing kept.</summary>
internal sealed class NoSecurityStore : ISecurityStore
{
    private static RegistryException NotKept() =>
        new(RegistryErrorCode.OperationNotPermitted, "This registry's store keeps no API keys or audit log.");

    public Task<bool> AddKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken) => Task.FromException<bool>(NotKept());

    public Task<ApiKeyRecord?> GetKeyAsync(string keyId, CancellationToken cancellationToken) => Task.FromResult<ApiKeyRecord?>(null);

    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ApiKeyRecord>>([]);

    public Task<bool> RevokeKeyAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<AuditRecord> AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken) => Task.FromException<AuditRecord>(NotKept());

    public Task<IReadOnlyList<AuditRecord>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<AuditRecord>>([]);
}
