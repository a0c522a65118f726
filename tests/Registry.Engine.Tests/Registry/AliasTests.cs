using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>Aliases: named pointers to versions, their history, protection, and the rules that keep them pointing at released versions.</summary>
public sealed class AliasTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync()
    {
        _h = await EngineHarness.CreateAsync();
        await _h.RegisterAsync("people", TestSchemas.PersonV1);
        await _h.RegisterAsync("people", TestSchemas.PersonV2);
    }

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static VersionSelector At(string alias) => VersionSelector.Alias(alias);

    private Task<AliasRecord> SetAsync(string alias, int version, AliasChange? change = null, string subject = "people") =>
        Registry.SetAliasAsync(subject, alias, VersionSelector.Of(version), change, Ct);

    [Fact]
    public async Task An_alias_is_read_through_wherever_a_version_is_selected()
    {
        await SetAsync("production", 1);

        var read = await Registry.GetVersionAsync("people", At("production"), cancellationToken: Ct);
        var validated = await Registry.ValidateAsync(ValidationTarget.ByVersion("people", At("production")), Encoding.UTF8.GetBytes("""{"name":"a","email":"x"}"""), Ct);
        var compatibility = await Registry.CheckCompatibilityAsync("people", new SchemaInput(Encoding.UTF8.GetBytes(TestSchemas.PersonV3)), At("production"), Ct);
        var (linted, _) = await Registry.LintVersionAsync("people", At("production"), "openai-strict", Ct);
        var referencedBy = await Registry.GetReferencedByAsync("people", At("production"), cancellationToken: Ct);

        Assert.Equal(1, read.Version);
        Assert.Equal(1, validated.Version);
        Assert.False(validated.Results[0].IsValid); // v1 is closed: 'email' is refused, so the alias, not latest (v2), was used
        Assert.Equal([1], compatibility.ComparedVersions);
        Assert.Equal(1, linted.Version);
        Assert.Empty(referencedBy);
    }

    [Fact]
    public async Task Moving_an_alias_records_who_when_from_and_to_newest_first()
    {
        await SetAsync("production", 1, new AliasChange { By = "ana" });
        _h.Time.Advance(TimeSpan.FromHours(1));
        var moved = await SetAsync("production", 2, new AliasChange { By = "bo" });

        var history = await Registry.GetAliasHistoryAsync("people", "production", cancellationToken: Ct);

        Assert.Equal((2, "bo", _h.Time.GetUtcNow()), (moved.Version, moved.UpdatedBy, moved.UpdatedAt));
        Assert.Equal([((int?)1, (int?)2, "bo"), (null, 1, "ana")], history.Select(m => (m.FromVersion, m.ToVersion, m.By)));
        Assert.Equal(_h.Time.GetUtcNow(), history[0].At);
        Assert.Equal(2, (await Registry.GetVersionAsync("people", At("production"), cancellationToken: Ct)).Version);
    }

    [Fact]
    public async Task Setting_an_alias_where_it_already_points_records_nothing()
    {
        await SetAsync("production", 1);
        await SetAsync("production", 1);

        Assert.Single(await Registry.GetAliasHistoryAsync("people", "production", cancellationToken: Ct));
    }

    [Fact]
    public async Task Aliases_are_listed_by_name_and_a_deleted_alias_keeps_its_history()
    {
        await SetAsync("staging", 2);
        await SetAsync("production", 1);

        Assert.Equal(["production", "staging"], (await Registry.ListAliasesAsync("people", Ct)).Select(a => a.Name));
        await Registry.DeleteAliasAsync("people", "staging", cancellationToken: Ct);

        Assert.Equal(["production"], (await Registry.ListAliasesAsync("people", Ct)).Select(a => a.Name));
        var e = await Assert.ThrowsAsync<RegistryException>(() => Registry.GetVersionAsync("people", At("staging"), cancellationToken: Ct));
        Assert.Equal(RegistryErrorCode.AliasNotFound, e.Code);
        Assert.Equal([((int?)2, (int?)null)], (await Registry.GetAliasHistoryAsync("people", "staging", cancellationToken: Ct)).Take(1).Select(m => (m.FromVersion, m.ToVersion)));
    }

    [Theory]
    [InlineData(LifecycleState.Draft)]
    [InlineData(LifecycleState.Archived)]
    public async Task An_alias_cannot_point_at_a_draft_or_archived_version(LifecycleState state)
    {
        await _h.RegisterAsync("people", TestSchemas.Titled("three"), r => r with { InitialState = LifecycleState.Draft });
        if (state == LifecycleState.Archived)
        {
            await Registry.ChangeStateAsync("people", VersionSelector.Of(3), LifecycleState.Active, cancellationToken: Ct);
            await Registry.ChangeStateAsync("people", VersionSelector.Of(3), LifecycleState.Deprecated, cancellationToken: Ct);
            await Registry.ChangeStateAsync("people", VersionSelector.Of(3), LifecycleState.Archived, cancellationToken: Ct);
        }

        var e = await Assert.ThrowsAsync<RegistryException>(() => SetAsync("production", 3));

        Assert.Equal(RegistryErrorCode.AliasTargetInvalid, e.Code);
        Assert.Contains(Lifecycle.Name(state), e.Message, StringComparison.Ordinal);
        Assert.Empty(await Registry.ListAliasesAsync("people", Ct));
    }

    [Fact]
    public async Task An_alias_cannot_point_at_a_missing_or_soft_deleted_version()
    {
        await Registry.DeleteVersionAsync("people", VersionSelector.Of(2), cancellationToken: Ct);

        var missing = await Assert.ThrowsAsync<RegistryException>(() => SetAsync("production", 9));
        var deleted = await Assert.ThrowsAsync<RegistryException>(() => SetAsync("production", 2));

        Assert.Equal(RegistryErrorCode.VersionNotFound, missing.Code);
        Assert.Equal(RegistryErrorCode.VersionNotFound, deleted.Code);
    }

    [Fact]
    public async Task A_deprecated_version_may_be_aliased()
    {
        await Registry.ChangeStateAsync("people", VersionSelector.Of(1), LifecycleState.Deprecated, cancellationToken: Ct);

        Assert.Equal(1, (await SetAsync("legacy", 1)).Version);
    }

    [Fact]
    public async Task An_aliased_version_cannot_be_deleted_or_archived_and_its_subject_cannot_be_deleted()
    {
        await SetAsync("production", 1);
        await Registry.ChangeStateAsync("people", VersionSelector.Of(1), LifecycleState.Deprecated, cancellationToken: Ct);

        var delete = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct));
        var archive = await Assert.ThrowsAsync<RegistryException>(() => Registry.ChangeStateAsync("people", VersionSelector.Of(1), LifecycleState.Archived, cancellationToken: Ct));
        var subject = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteSubjectAsync("people", cancellationToken: Ct));

        Assert.All([delete, archive, subject], e => Assert.Equal(RegistryErrorCode.VersionAliased, e.Code));
        Assert.Contains("'production'", delete.Message, StringComparison.Ordinal);
        Assert.False((await Registry.GetVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct)).Info.IsDeleted);

        // Once the alias moves, the version may go.
        await SetAsync("production", 2);
        Assert.Equal(1, await Registry.DeleteVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct));
    }

    [Fact]
    public async Task A_protected_alias_moves_or_goes_only_with_force()
    {
        await SetAsync("production", 1, new AliasChange { Protected = true });

        var move = await Assert.ThrowsAsync<RegistryException>(() => SetAsync("production", 2));
        var unprotect = await Assert.ThrowsAsync<RegistryException>(() => SetAsync("production", 1, new AliasChange { Protected = false }));
        var delete = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteAliasAsync("people", "production", cancellationToken: Ct));

        Assert.All([move, unprotect, delete], e => Assert.Equal(RegistryErrorCode.AliasProtected, e.Code));
        Assert.Equal((1, true), ((await Registry.GetAliasAsync("people", "production", Ct)).Version, (await Registry.GetAliasAsync("people", "production", Ct)).Protected));

        var forced = await SetAsync("production", 2, new AliasChange { Force = true });
        Assert.Equal((2, true), (forced.Version, forced.Protected)); // protection is kept unless the request changes it
        await Registry.DeleteAliasAsync("people", "production", new AliasChange { Force = true }, Ct);
        Assert.Empty(await Registry.ListAliasesAsync("people", Ct));
    }

    [Fact]
    public async Task With_security_on_only_an_administrators_forced_request_moves_a_protected_alias()
    {
        await SetAsync("production", 1, new AliasChange { Protected = true });
        var developer = new global::Registry.Engine.Security.Principal("dev", global::Registry.Engine.Security.Role.Developer, ["people"]);
        var admin = new global::Registry.Engine.Security.Principal("root", global::Registry.Engine.Security.Role.Admin, []);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => SetAsync("production", 2, new AliasChange { Force = true, Principal = developer }));
        var moved = await SetAsync("production", 2, new AliasChange { Force = true, Principal = admin });

        Assert.Equal(RegistryErrorCode.AliasProtected, refused.Code);
        Assert.Equal((2, true), (moved.Version, moved.Protected));
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("LATEST")]
    [InlineData("1abc")]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("a/b")]
    public async Task A_malformed_alias_name_is_refused(string name)
    {
        var e = await Assert.ThrowsAsync<RegistryException>(() => SetAsync(name, 1));

        Assert.Equal(RegistryErrorCode.InvalidRequest, e.Code);
        Assert.False(VersionSelector.TryParse("@" + name, out _));
    }

    [Fact]
    public void An_at_sign_selects_an_alias_and_a_selector_prints_back()
    {
        Assert.True(VersionSelector.TryParse("@production", out var selector));

        Assert.Equal(("production", false, "@production"), (selector.AliasName, selector.IsLatest, selector.ToString()));
        Assert.Equal(VersionSelector.Alias("production"), VersionSelector.Parse("@production"));
        Assert.NotEqual(VersionSelector.Latest, selector);
    }

    [Fact]
    public async Task An_unknown_alias_is_not_found_on_every_path()
    {
        var read = await Assert.ThrowsAsync<RegistryException>(() => Registry.GetVersionAsync("people", At("nope"), cancellationToken: Ct));
        var history = await Assert.ThrowsAsync<RegistryException>(() => Registry.GetAliasHistoryAsync("people", "nope", cancellationToken: Ct));
        var delete = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteAliasAsync("people", "nope", cancellationToken: Ct));

        Assert.All([read, history, delete], e => Assert.Equal(RegistryErrorCode.AliasNotFound, e.Code));
    }

    [Fact]
    public async Task An_alias_may_be_set_from_another_alias_or_latest()
    {
        await SetAsync("staging", 1);

        var promoted = await Registry.SetAliasAsync("people", "production", At("staging"), cancellationToken: Ct);
        var newest = await Registry.SetAliasAsync("people", "edge", VersionSelector.Latest, cancellationToken: Ct);

        Assert.Equal((1, 2), (promoted.Version, newest.Version));
    }

    [Fact]
    public async Task A_bundle_returns_the_version_each_subject_aliases_in_the_order_asked()
    {
        await _h.RegisterAsync("prompts", TestSchemas.Titled("p1"));
        await _h.RegisterAsync("prompts", TestSchemas.Titled("p2"));
        await SetAsync("production", 2);
        await SetAsync("production", 1, subject: "prompts");

        var bundle = await Registry.GetBundleAsync("production", ["prompts", "people"], Ct);
        var missing = await Assert.ThrowsAsync<RegistryException>(() => Registry.GetBundleAsync("staging", ["people"], Ct));
        var twice = await Assert.ThrowsAsync<RegistryException>(() => Registry.GetBundleAsync("production", ["people", "people"], Ct));

        Assert.Equal([("prompts", 1), ("people", 2)], bundle.Select(v => (v.Subject, v.Version)));
        Assert.Contains("p1", Encoding.UTF8.GetString(bundle[0].Schema.Content.Span), StringComparison.Ordinal);
        Assert.Equal(RegistryErrorCode.AliasNotFound, missing.Code);
        Assert.Equal(RegistryErrorCode.InvalidRequest, twice.Code);
    }

    [Fact]
    public async Task Another_process_sees_a_move_at_once()
    {
        var other = await _h.OpenAsync();
        await SetAsync("production", 1);
        Assert.Equal(1, (await other.GetVersionAsync("people", At("production"), cancellationToken: Ct)).Version);

        await other.SetAliasAsync("people", "production", VersionSelector.Of(2), cancellationToken: Ct);

        Assert.Equal(2, (await Registry.GetVersionAsync("people", At("production"), cancellationToken: Ct)).Version);
    }

    [Fact]
    public async Task A_readonly_subject_refuses_alias_changes()
    {
        await SetAsync("production", 1);
        await Registry.SetModeAsync("people", RegistryMode.ReadOnly, cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<RegistryException>(() => SetAsync("production", 2));

        Assert.Equal(RegistryErrorCode.OperationNotPermitted, e.Code);
    }
}
