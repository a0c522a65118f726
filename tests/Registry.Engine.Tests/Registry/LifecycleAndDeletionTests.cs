using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>Lifecycle states, deprecation info, metadata, soft and hard deletion.</summary>
public sealed class LifecycleAndDeletionTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync()
    {
        _h = await EngineHarness.CreateAsync();
        await _h.RegisterAsync("people", TestSchemas.PersonV1);
    }

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private Task<SubjectVersion> SetStateAsync(LifecycleState state, Deprecation? deprecation = null, int version = 1) =>
        Registry.ChangeStateAsync("people", VersionSelector.Of(version), state, deprecation, Ct);

    [Fact]
    public async Task Deprecation_keeps_its_info_through_archival_and_reactivation_clears_it()
    {
        var info = new Deprecation { Reason = "use v2", Sunset = new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero), Replacement = "people:2" };
        _h.Time.Advance(TimeSpan.FromHours(1));

        var deprecated = await SetStateAsync(LifecycleState.Deprecated, info);
        var reactivated = await SetStateAsync(LifecycleState.Active);
        await SetStateAsync(LifecycleState.Deprecated, info);
        var archived = await SetStateAsync(LifecycleState.Archived);

        Assert.Equal((LifecycleState.Deprecated, info), (deprecated.Info.State, deprecated.Info.Deprecation));
        Assert.Equal(_h.Time.GetUtcNow(), deprecated.Info.UpdatedAt);
        Assert.Null(reactivated.Info.Deprecation);
        Assert.Equal((LifecycleState.Archived, info), (archived.Info.State, archived.Info.Deprecation));
        var stored = await Registry.GetVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct);
        Assert.Equal(LifecycleState.Archived, stored.Info.State);
        Assert.Equal(info, stored.Info.Deprecation);
    }

    [Fact]
    public async Task An_illegal_transition_is_refused_and_changes_nothing()
    {
        var e = await Assert.ThrowsAsync<RegistryException>(() => SetStateAsync(LifecycleState.Archived));

        Assert.Equal(RegistryErrorCode.IllegalTransition, e.Code);
        Assert.Equal(LifecycleState.Active, (await Registry.GetVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct)).Info.State);
    }

    [Fact]
    public async Task A_draft_becomes_active()
    {
        await _h.RegisterAsync("drafts", TestSchemas.PersonV1, r => r with { InitialState = LifecycleState.Draft });

        // A draft is not 'latest' (latest means released); it is reached by its number.
        var active = await Registry.ChangeStateAsync("drafts", VersionSelector.Of(1), LifecycleState.Active, cancellationToken: Ct);

        Assert.Equal(LifecycleState.Active, active.Info.State);
    }

    [Fact]
    public async Task Metadata_is_replaced_without_a_new_version()
    {
        var metadata = new VersionMetadata { Description = "A person", Owner = "crm", Tags = ["pii"], Properties = new Dictionary<string, string> { ["k"] = "v" } };

        var updated = await Registry.UpdateMetadataAsync("people", VersionSelector.Latest, metadata, Ct);

        Assert.Equal(1, updated.Version);
        Assert.Single(await Registry.ListVersionsAsync("people", cancellationToken: Ct));
        var stored = (await Registry.GetVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct)).Info.Metadata;
        Assert.Equal(("A person", "crm"), (stored.Description, stored.Owner));
        Assert.Equal(["pii"], stored.Tags);
        Assert.Equal("v", stored.Properties["k"]);
    }

    [Fact]
    public async Task Metadata_over_its_bounds_is_refused()
    {
        var tooMany = new VersionMetadata { Tags = [.. Enumerable.Range(0, 65).Select(i => $"t{i}")] };
        var tooLong = new VersionMetadata { Description = new string('d', 5000) };

        Assert.Equal(RegistryErrorCode.InvalidRequest, (await Assert.ThrowsAsync<RegistryException>(() => Registry.UpdateMetadataAsync("people", VersionSelector.Latest, tooMany, Ct))).Code);
        Assert.Equal(RegistryErrorCode.InvalidRequest, (await Assert.ThrowsAsync<RegistryException>(() => Registry.UpdateMetadataAsync("people", VersionSelector.Latest, tooLong, Ct))).Code);
    }

    [Fact]
    public async Task Soft_deleted_versions_are_hidden_unless_asked_for_and_cannot_change_state()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV2);

        Assert.Equal(1, await Registry.DeleteVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct));

        Assert.Equal([2], (await Registry.ListVersionsAsync("people", cancellationToken: Ct)).Select(v => v.Version));
        Assert.Equal([1, 2], (await Registry.ListVersionsAsync("people", DeletedFilter.Include, Ct)).Select(v => v.Version));
        Assert.Equal([1], (await Registry.ListVersionsAsync("people", DeletedFilter.Only, Ct)).Select(v => v.Version));
        Assert.True((await Registry.GetVersionAsync("people", VersionSelector.Of(1), includeDeleted: true, Ct)).Info.IsDeleted);
        Assert.Equal(RegistryErrorCode.VersionNotFound, (await Assert.ThrowsAsync<RegistryException>(() => Registry.GetVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct))).Code);
        Assert.Equal(RegistryErrorCode.VersionNotFound, (await Assert.ThrowsAsync<RegistryException>(() => SetStateAsync(LifecycleState.Deprecated))).Code);
        Assert.Equal(RegistryErrorCode.VersionSoftDeleted, (await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct))).Code);
    }

    [Fact]
    public async Task Hard_delete_needs_a_soft_delete_first()
    {
        var version = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteVersionAsync("people", VersionSelector.Of(1), permanent: true, Ct));
        var subject = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteSubjectAsync("people", permanent: true, Ct));

        Assert.Equal(RegistryErrorCode.VersionNotSoftDeleted, version.Code);
        Assert.Equal(RegistryErrorCode.SubjectNotSoftDeleted, subject.Code);
        Assert.Single(await Registry.ListVersionsAsync("people", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_subject_is_soft_deleted_then_hard_deleted_and_its_id_disappears()
    {
        var deleted = await Registry.DeleteSubjectAsync("people", cancellationToken: Ct);
        Assert.Equal([1], deleted);
        Assert.Empty(await Registry.ListSubjectsAsync(cancellationToken: Ct));
        Assert.Equal(["people"], await Registry.ListSubjectsAsync(deleted: DeletedFilter.Only, cancellationToken: Ct));
        Assert.Equal(RegistryErrorCode.SubjectSoftDeleted, (await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteSubjectAsync("people", cancellationToken: Ct))).Code);
        Assert.NotNull(await Registry.GetSchemaAsync(1, Ct));

        Assert.Equal([1], await Registry.DeleteSubjectAsync("people", permanent: true, Ct));

        Assert.Empty(await Registry.ListSubjectsAsync(deleted: DeletedFilter.Include, cancellationToken: Ct));
        Assert.Equal(RegistryErrorCode.SchemaNotFound, (await Assert.ThrowsAsync<RegistryException>(async () => await Registry.GetSchemaAsync(1, Ct))).Code);
        Assert.Equal(RegistryErrorCode.SubjectNotFound, (await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteSubjectAsync("people", cancellationToken: Ct))).Code);

        // The same content registered again gets its old id back, as version 1 of a new subject history.
        var again = await _h.RegisterAsync("people", TestSchemas.PersonV1);
        Assert.Equal((1L, 1), (again.SchemaId, again.Version));
    }

    [Fact]
    public async Task A_version_referenced_by_another_cannot_be_deleted()
    {
        await _h.RegisterAsync("customer", """{"$ref":"person.json"}""", r => r with { References = [new SchemaReference("person.json", "people", 1)] });

        var soft = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct));
        var subject = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteSubjectAsync("people", cancellationToken: Ct));

        Assert.Equal(RegistryErrorCode.ReferenceExists, soft.Code);
        Assert.Contains("customer", soft.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryErrorCode.ReferenceExists, subject.Code);

        // Once the referrer is soft-deleted the target may be soft-deleted, but not hard-deleted while the referrer remains.
        await Registry.DeleteSubjectAsync("customer", cancellationToken: Ct);
        await Registry.DeleteVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct);
        var hard = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteVersionAsync("people", VersionSelector.Of(1), permanent: true, Ct));
        Assert.Equal(RegistryErrorCode.ReferenceExists, hard.Code);

        await Registry.DeleteSubjectAsync("customer", permanent: true, Ct);
        Assert.Equal(1, await Registry.DeleteVersionAsync("people", VersionSelector.Of(1), permanent: true, Ct));
    }

    [Fact]
    public async Task Latest_skips_soft_deleted_versions()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV2);
        await Registry.DeleteVersionAsync("people", VersionSelector.Latest, cancellationToken: Ct);

        Assert.Equal(1, (await Registry.GetVersionAsync("people", VersionSelector.Latest, cancellationToken: Ct)).Version);
        Assert.Equal(2, (await _h.RegisterAsync("people", TestSchemas.PersonV2)).SchemaId);
        Assert.Equal(3, (await Registry.GetVersionAsync("people", VersionSelector.Latest, cancellationToken: Ct)).Version);
    }
}
