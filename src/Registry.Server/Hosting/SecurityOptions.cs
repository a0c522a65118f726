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

    /// <summary>JWT bearer tokens, accepted beside API keys when <see cref="JwtOptions.JwksFile"/> is set.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Request budgets per principal, and of failed authentications per source address.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>
/// The <c>Registry:Security:RateLimit</c> section: token buckets per principal (reads and writes apart) and per source
/// address for failed authentications. A rate of 0 turns that budget off.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Reads and validations per second per principal (0: unlimited).</summary>
    public int ReadsPerSecond { get; set; }

    /// <summary>Reads a principal may make at once above its rate (the bucket's size); 0: twice the rate.</summary>
    public int ReadBurst { get; set; }

    /// <summary>Writes per second per principal (0: unlimited).</summary>
    public int WritesPerSecond { get; set; }

    /// <summary>Writes a principal may make at once; 0: twice the rate.</summary>
    public int WriteBurst { get; set; }

    /// <summary>Failed authentications per minute per source address before further requests from it are refused (0: unlimited).</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 60;
}

/// <summary>The <c>Registry:Security:Jwt</c> section: which tokens are accepted (RS256 and ES256 only).</summary>
public sealed class JwtOptions
{
    /// <summary>A JWKS document (<c>{"keys": [...]}</c>) with the issuers' public signing keys; JWTs are refused without it (or <see cref="JwksUrl"/>).</summary>
    public string? JwksFile { get; set; }

    /// <summary>
    /// The issuer's JWKS URL (https, or http to a loopback address), fetched at start, every <see cref="JwksRefreshInterval"/>,
    /// and when a token names a key id the set lacks (at most once per <see cref="JwksMinRefetch"/>). Instead of <see cref="JwksFile"/>.
    /// </summary>
    public string? JwksUrl { get; set; }

    /// <summary>How often the key set at <see cref="JwksUrl"/> is fetched again.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The shortest time between two fetches of <see cref="JwksUrl"/> (unknown key ids, failures retried).</summary>
    public TimeSpan JwksMinRefetch { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Accepted <c>iss</c> values.</summary>
    public List<string> Issuers { get; set; } = [];

    /// <summary>Accepted <c>aud</c> values.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>The claim naming the registry role (a string or an array; the highest role named wins).</summary>
    public string RoleClaim { get; set; } = "registry_role";

    /// <summary>The claim listing subject grants (an array of patterns such as <c>orders.*</c>).</summary>
    public string GrantsClaim { get; set; } = "registry_grants";

    /// <summary>Tolerance for <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);
}
