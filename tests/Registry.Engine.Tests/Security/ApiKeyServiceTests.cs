using Microsoft.Data.Sqlite;
using Registry.Engine.Security;
using Registry.Engine.Storage.Sqlite;
using Registry.Testing;

namespace Registry.Engine.Tests.Security;

/// <summary>API keys over the embedded store: creation, checking, expiry, revocation, the bootstrap admin key.</summary>
public sealed class ApiKeyServiceTests : IAsyncLifetime
{
    private readonly TemporaryDirectory _folder = new("api-keys");
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SqliteRegistryStore _store = null!;
    private ApiKeyService _keys = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteRegistryStore(new SqliteStoreOptions { Path = _folder.File("registry.db") });
        await _store.InitializeAsync(Ct);
        _keys = new ApiKeyService(_store, _time, TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_created_key_authenticates_as_its_role_and_grants_and_only_its_hash_is_stored()
    {
        var created = await _keys.CreateAsync(new ApiKeySpec(Role.Developer, ["orders.*"], null, "ci"), "admin", Ct);

        var principal = await _keys.AuthenticateAsync(created.Key, Ct);

        Assert.Equal(created.Record.KeyId, principal.Name);
        Assert.Equal(Role.Developer, principal.Role);
        Assert.Equal(["orders.*"], principal.Grants);
        Assert.StartsWith(created.Record.KeyId + ".", created.Key, StringComparison.Ordinal);
        var stored = await _store.GetKeyAsync(created.Record.KeyId, Ct);
        Assert.NotNull(stored);
        var secret = created.Key[(created.Key.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var files = string.Concat(new[] { _store.Path, _store.Path + "-wal" }.Where(File.Exists).Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
        Assert.Contains(created.Record.KeyId, files, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, files, StringComparison.Ordinal);
        Assert.Equal(32, stored.SecretHash.Length);
        Assert.Equal(16, stored.Salt.Length);
    }

    [Fact]
    public async Task Id_and_secret_given_apart_authenticate_like_the_whole_key()
    {
        var created = await _keys.CreateAsync(new ApiKeySpec(Role.Reader, [], null, null), null, Ct);
        ApiKeyFormat.TrySplit(created.Key, out var id, out var secret);

        var principal = await _keys.AuthenticateAsync(id, secret, Ct);

        Assert.Equal(Role.Reader, principal.Role);
    }

    [Theory]
    [InlineData("wrong-secret")]
    [InlineData("")]
    public async Task A_wrong_secret_is_refused(string secret)
    {
        var created = await _keys.CreateAsync(new ApiKeySpec(Role.Admin, [], null, null), null, Ct);

        var refusal = await Assert.ThrowsAsync<RegistryException>(async () => await _keys.AuthenticateAsync(created.Record.KeyId, secret, Ct));

        Assert.Equal(RegistryErrorCode.Unauthenticated, refusal.Code);
    }

    [Theory]
    [InlineData("rk_0000000000000000.secret")]
    [InlineData("not-a-key")]
    [InlineData("rk_ZZZZ.secret")]
    public async Task An_unknown_or_malformed_key_is_refused(string key)
    {
        var refusal = await Assert.ThrowsAsync<RegistryException>(async () => await _keys.AuthenticateAsync(key, Ct));
        Assert.Equal(RegistryErrorCode.Unauthenticated, refusal.Code);
    }

    [Fact]
    public async Task A_key_is_refused_from_its_expiry_on()
    {
        var created = await _keys.CreateAsync(new ApiKeySpec(Role.Reader, [], _time.GetUtcNow().AddHours(1), null), null, Ct);
        await _keys.AuthenticateAsync(created.Key, Ct);

        _time.Advance(TimeSpan.FromHours(1));
        var refusal = await Assert.ThrowsAsync<RegistryException>(async () => await _keys.AuthenticateAsync(created.Key, Ct));

        Assert.Equal(RegistryErrorCode.Unauthenticated, refusal.Code);
        Assert.Contains("expired", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once_on_this_replica_and_after_the_cache_time_on_another()
    {
        var created = await _keys.CreateAsync(new ApiKeySpec(Role.Reader, [], null, null), null, Ct);
        var otherReplica = new ApiKeyService(_store, _time, TimeSpan.FromSeconds(30));
        await otherReplica.AuthenticateAsync(created.Key, Ct);

        Assert.True(await _keys.RevokeAsync(created.Record.KeyId, Ct));

        var here = await Assert.ThrowsAsync<RegistryException>(async () => await _keys.AuthenticateAsync(created.Key, Ct));
        Assert.Contains("revoked", here.Message, StringComparison.Ordinal);
        await otherReplica.AuthenticateAsync(created.Key, Ct); // still cached there
        _time.Advance(TimeSpan.FromSeconds(31));
        var there = await Assert.ThrowsAsync<RegistryException>(async () => await otherReplica.AuthenticateAsync(created.Key, Ct));
        Assert.Equal(RegistryErrorCode.Unauthenticated, there.Code);
        Assert.NotNull((await _store.GetKeyAsync(created.Record.KeyId, Ct))!.RevokedAt);
    }

    [Fact]
    public async Task Revoking_a_key_that_does_not_exist_says_so() =>
        Assert.False(await _keys.RevokeAsync("rk_0123456789abcdef", Ct));

    [Fact]
    public async Task A_grant_that_is_not_a_pattern_and_an_expiry_in_the_past_are_refused()
    {
        var grant = await Assert.ThrowsAsync<RegistryException>(() => _keys.CreateAsync(new ApiKeySpec(Role.Developer, ["a*b"], null, null), null, Ct));
        var expiry = await Assert.ThrowsAsync<RegistryException>(() => _keys.CreateAsync(new ApiKeySpec(Role.Reader, [], _time.GetUtcNow(), null), null, Ct));

        Assert.Equal(RegistryErrorCode.InvalidRequest, grant.Code);
        Assert.Equal(RegistryErrorCode.InvalidRequest, expiry.Code);
    }

    [Fact]
    public async Task The_first_start_generates_one_admin_key_and_later_starts_generate_none()
    {
        var first = await _keys.EnsureBootstrapAdminAsync(null, Ct);
        var second = await _keys.EnsureBootstrapAdminAsync(null, Ct);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(Role.Admin, (await _keys.AuthenticateAsync(first, Ct)).Role);
        Assert.Single(await _keys.ListAsync(Ct));
    }

    [Fact]
    public async Task A_configured_bootstrap_key_is_stored_once_and_works()
    {
        const string configured = "rk_00112233aabbccdd.a-long-configured-secret";

        Assert.Null(await _keys.EnsureBootstrapAdminAsync(configured, Ct));
        Assert.Null(await _keys.EnsureBootstrapAdminAsync(configured, Ct));

        Assert.Equal(Role.Admin, (await _keys.AuthenticateAsync(configured, Ct)).Role);
        Assert.Single(await _keys.ListAsync(Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => _keys.EnsureBootstrapAdminAsync("rk_00112233aabbccdd.short", Ct));
    }
}

/// <summary>A clock the test moves by hand (wall clock and timestamps together).</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => _now.UtcTicks;

    public void Advance(TimeSpan by) => _now += by;
}
