using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>
/// Rules that the three APIs (native HTTP, Confluent HTTP, binary) rely on, each enforced once, here in the engine.
/// Each used to live in one adapter, or in several copies; tests/Registry.Server.Tests/CrossApi checks that the APIs
/// agree on them.
/// </summary>
public sealed class EngineRulesTests : IAsyncLifetime
{
    private static readonly ReadOnlyMemory<byte> Person = Encoding.UTF8.GetBytes("""{"name":"Ada"}""");

    /// <summary>Two errors under PersonV1: a wrong type and a property the closed model does not allow.</summary>
    private static readonly ReadOnlyMemory<byte> TwoErrors = Encoding.UTF8.GetBytes("""{"name":42,"extra":true}""");

    private EngineHarness _h = null!;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync() => _h = await EngineHarness.CreateAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_readonly_scope_refuses_compatibility_changes_while_its_mode_may_still_change()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1);
        await Registry.SetModeAsync("s", RegistryMode.ReadOnly, cancellationToken: Ct);

        var set = await Assert.ThrowsAsync<RegistryException>(() => Registry.SetCompatibilityAsync("s", CompatibilityLevel.None, cancellationToken: Ct));
        var clear = await Assert.ThrowsAsync<RegistryException>(() => Registry.ClearCompatibilityAsync("s", Ct));
        await Registry.SetCompatibilityAsync("other", CompatibilityLevel.None, cancellationToken: Ct);
        await Registry.SetModeAsync(null, RegistryMode.ReadOnly, cancellationToken: Ct);
        var global = await Assert.ThrowsAsync<RegistryException>(() => Registry.SetCompatibilityAsync(null, CompatibilityLevel.Full, cancellationToken: Ct));
        await Registry.SetModeAsync("s", RegistryMode.ReadWrite, cancellationToken: Ct);
        await Registry.SetCompatibilityAsync("s", CompatibilityLevel.Forward, cancellationToken: Ct);

        Assert.All([set, clear, global], e => Assert.Equal(RegistryErrorCode.OperationNotPermitted, e.Code));
        Assert.Equal(CompatibilityLevel.Forward, (await Registry.GetConfigAsync("s", Ct)).Compatibility);
        Assert.Equal(CompatibilityLevel.None, (await Registry.GetConfigAsync("other", Ct)).Compatibility);
        Assert.Null((await Registry.GetConfigAsync(null, Ct)).Compatibility);
    }

    [Fact]
    public async Task Content_the_subject_already_holds_is_answered_in_readonly_mode_and_anything_new_is_refused()
    {
        var v1 = await _h.RegisterAsync("s", TestSchemas.PersonV1);
        await Registry.SetModeAsync("s", RegistryMode.ReadOnly, cancellationToken: Ct);

        var again = await _h.RegisterAsync("s", TestSchemas.PersonV1);
        var added = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("s", TestSchemas.PersonV2));

        Assert.Equal((v1.SchemaId, 1, false), (again.SchemaId, again.Version, again.Created));
        Assert.Equal(RegistryErrorCode.OperationNotPermitted, added.Code);
        Assert.Single(await Registry.ListVersionsAsync("s", cancellationToken: Ct));
    }

    [Fact]
    public async Task An_explicit_version_outside_import_mode_must_be_the_next_version_number()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1);

        var skipped = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("s", TestSchemas.PersonV2, r => r with { Version = 3 }));
        var next = await _h.RegisterAsync("s", TestSchemas.PersonV2, r => r with { Version = 2 });
        var first = await _h.RegisterAsync("new", TestSchemas.PersonV1, r => r with { Version = 1 });

        Assert.Equal(RegistryErrorCode.InvalidRequest, skipped.Code);
        Assert.Contains("next version is 2", skipped.Message, StringComparison.Ordinal);
        Assert.Equal((2, true), (next.Version, next.Created));
        Assert.Equal(1, first.Version);
    }

    [Fact]
    public async Task The_semantic_version_label_of_a_registered_version_never_changes()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1, r => r with { Semver = "1.0.0" });

        var same = await Registry.UpdateVersionAsync("s", VersionSelector.Latest, new VersionChange { Semver = "1.0.0", Metadata = new VersionMetadata { Owner = "team" } }, Ct);
        var changed = await Assert.ThrowsAsync<RegistryException>(() =>
            Registry.UpdateVersionAsync("s", VersionSelector.Latest, new VersionChange { Semver = "1.1.0", State = LifecycleState.Deprecated }, Ct));

        Assert.Equal(("1.0.0", "team"), (same.Info.Semver, same.Info.Metadata.Owner));
        Assert.Equal(RegistryErrorCode.InvalidRequest, changed.Code);
        var stored = await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct);
        Assert.Equal(("1.0.0", LifecycleState.Active), (stored.Info.Semver, stored.Info.State));
    }

    [Fact]
    public async Task Deprecation_details_are_taken_only_by_a_deprecated_or_archived_version()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1);
        var first = new Deprecation { Reason = "use v2" };
        var second = new Deprecation { Reason = "gone by June", Replacement = "s:2" };

        var onActive = await Assert.ThrowsAsync<RegistryException>(() => Registry.UpdateVersionAsync("s", VersionSelector.Of(1), new VersionChange { Deprecation = first }, Ct));
        var reactivating = await Assert.ThrowsAsync<RegistryException>(() => Registry.ChangeStateAsync("s", VersionSelector.Of(1), LifecycleState.Active, first, Ct));
        await Registry.ChangeStateAsync("s", VersionSelector.Of(1), LifecycleState.Deprecated, first, Ct);
        var replaced = await Registry.UpdateVersionAsync("s", VersionSelector.Of(1), new VersionChange { Deprecation = second }, Ct);

        Assert.Equal(RegistryErrorCode.InvalidRequest, onActive.Code);
        Assert.Equal(RegistryErrorCode.InvalidRequest, reactivating.Code);
        Assert.Equal((LifecycleState.Deprecated, second), (replaced.Info.State, replaced.Info.Deprecation));
    }

    [Fact]
    public async Task One_version_update_applies_state_deprecation_and_metadata_in_a_single_write()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1);
        var changes = 0;
        Registry.Changed += (_, _) => Interlocked.Increment(ref changes);
        var deprecation = new Deprecation { Reason = "replaced" };
        var metadata = new VersionMetadata { Description = "people", Tags = ["pii"] };

        var updated = await Registry.UpdateVersionAsync("s", VersionSelector.Latest, new VersionChange
        {
            State = LifecycleState.Deprecated,
            Deprecation = deprecation,
            Metadata = metadata,
        }, Ct);

        Assert.Equal(1, changes);
        Assert.Equal((LifecycleState.Deprecated, deprecation, metadata), (updated.Info.State, updated.Info.Deprecation, updated.Info.Metadata));
        var stored = await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct);
        Assert.Equal((LifecycleState.Deprecated, deprecation, "people"), (stored.Info.State, stored.Info.Deprecation, stored.Info.Metadata.Description));
    }

    [Fact]
    public async Task The_batch_limit_is_one_check_shared_by_every_caller()
    {
        await using var small = await EngineHarness.CreateAsync(new RegistryEngineOptions { MaxBatchDocuments = 2 });
        var id = (await small.RegisterAsync("s", TestSchemas.PersonV1)).SchemaId;

        small.Registry.CheckBatchSize(2);
        var early = Assert.Throws<RegistryException>(() => small.Registry.CheckBatchSize(3));
        var late = await Assert.ThrowsAsync<RegistryException>(() => small.Registry.ValidateBatchAsync(ValidationTarget.ById(id), [Person, Person, Person], 0, Ct));

        Assert.Equal(RegistryErrorCode.TooLarge, early.Code);
        Assert.Equal(RegistryErrorCode.TooLarge, late.Code);
        Assert.Equal(early.Message, late.Message);
    }

    [Fact]
    public async Task A_warm_validator_is_offered_only_for_a_compiled_schema_whose_versions_allow_validation()
    {
        var id = (await _h.RegisterAsync("s", TestSchemas.PersonV1)).SchemaId;
        var other = await _h.OpenAsync();

        var coldAtFirst = other.TryGetWarmValidator(id, out _);
        await other.ValidateBatchAsync(ValidationTarget.ById(id), [Person], 0, Ct);
        var warm = other.TryGetWarmValidator(id, out var lease);
        await other.ChangeStateAsync("s", VersionSelector.Of(1), LifecycleState.Deprecated, cancellationToken: Ct);
        await other.ChangeStateAsync("s", VersionSelector.Of(1), LifecycleState.Archived, cancellationToken: Ct);
        var afterArchival = other.TryGetWarmValidator(id, out _);
        var refused = await Assert.ThrowsAsync<RegistryException>(() => other.ValidateBatchAsync(ValidationTarget.ById(id), [Person], 0, Ct));

        Assert.False(coldAtFirst);
        Assert.True(warm);
        Assert.Equal((id, null), (lease.SchemaId, lease.Warning));
        Assert.False(afterArchival);
        Assert.Equal(RegistryErrorCode.VersionArchived, refused.Code);
    }

    [Fact]
    public async Task Validation_by_id_gives_only_the_verdict_for_zero_errors_and_caps_the_errors_otherwise()
    {
        var id = (await _h.RegisterAsync("s", TestSchemas.PersonV1)).SchemaId;

        var verdict = await Registry.ValidateBatchAsync(ValidationTarget.ById(id), [TwoErrors], 0, Ct);
        var one = await Registry.ValidateBatchAsync(ValidationTarget.ById(id), [TwoErrors], 1, Ct);
        var all = await Registry.ValidateBatchAsync(ValidationTarget.ById(id), [TwoErrors], Ct);

        Assert.Equal((ValidationOutcome.Invalid, 0), (verdict.Results[0].Outcome, verdict.Results[0].Errors.Count));
        Assert.Equal((ValidationOutcome.Invalid, 1, true), (one.Results[0].Outcome, one.Results[0].Errors.Count, one.Results[0].Truncated));
        Assert.Equal(2, all.Results[0].Errors.Count);
    }

    [Fact]
    public async Task Every_difference_names_the_version_it_was_found_against()
    {
        await Registry.SetCompatibilityAsync("s", CompatibilityLevel.None, cancellationToken: Ct);
        await _h.RegisterAsync("s", TestSchemas.PersonV3);
        await _h.RegisterAsync("s", TestSchemas.PersonV2);
        await _h.RegisterAsync("s", TestSchemas.Titled("unrelated"), r => r with { Subject = "t" });
        await Registry.SetCompatibilityAsync("s", CompatibilityLevel.BackwardTransitive, cancellationToken: Ct);

        var report = await Registry.CheckCompatibilityAsync("s", new SchemaInput(Encoding.UTF8.GetBytes(TestSchemas.PersonV1)), cancellationToken: Ct);
        var refusal = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("s", TestSchemas.PersonV1));

        Assert.Equal([1, 2], report.ComparedVersions);
        Assert.All(report.Differences, d => Assert.Contains(d.EarlierVersion, new int?[] { 1, 2 }));

        // Only version 1 declares "name" an integer: the type change is found against it.
        Assert.Contains(report.Differences, d => !d.IsCompatible && d.EarlierVersion == 1 && d.Location.Contains("name", StringComparison.Ordinal));
        Assert.NotEmpty(refusal.Differences);
        Assert.All(refusal.Differences, d => Assert.Contains(d.EarlierVersion, new int?[] { 1, 2 }));
        Assert.Equal(
            report.Differences.Where(d => !d.IsCompatible).Select(d => (d.Name, d.Location, d.EarlierVersion)),
            refusal.Differences.Select(d => (d.Name, d.Location, d.EarlierVersion)));
    }
}
