namespace Registry.Server.Hosting;

/// <summary>The <c>Registry:Security</c> section: who may call, and what is recorded (docs/security.md).</summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// Requires credentials on every API (health and the OpenAPI document excepted) and records writes, refusals and
    /// key operations in the audit log. Off by default, for a registry on loopback.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// With <see cref="Enabled"/> off, a listener on a non-loopback address stops the start unless this is true
    /// (a warning is logged at every start then).
    /// </summary>
    public bool AllowUnauthenticatedNetwork { get; set; }

    /// <summary>
    /// An admin key (<c>rk_…​.secret</c>) to store at start when it is not stored yet. Without it, the first start
    /// with authentication on and no usable admin key generates one and prints it once on the console.
    /// </summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>How long a key read from the store is trusted before it is read again (revocations on other replicas take this long).</summary>
    public TimeSpan KeyCacheTime { get; set; } = TimeSpan.FromSeconds(30);
}
