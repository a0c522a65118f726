using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Schemas.Compatibility;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>Registration, ids, versions, references, semver and reads.</summary>
public sealed class SchemaRegistryTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync() => _h = await EngineHarness.CreateAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static ReadOnlyMemory<byte> Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task First_registration_creates_version_1_with_id_1()
    {
        var result = await _h.RegisterAsync("people", TestSchemas.PersonV1);

        Assert.Equal(("people", 1, 1L, true, VersionBump.None), (result.Subject, result.Version, result.SchemaId, result.Created, result.SuggestedBump));
        var version = await Registry.GetVersionAsync("people", VersionSelector.Latest, cancellationToken: Ct);
        Assert.Equal(LifecycleState.Active, version.Info.State);
        Assert.Equal(TestSchemas.PersonV1, Encoding.UTF8.GetString(version.Schema.Content.Span));
        Assert.Equal(_h.Time.GetUtcNow(), version.Info.CreatedAt);
    }

    [Fact]
    public async Task Register_same_content_twice_returns_same_id_and_version_without_writing()
    {
        var first = await _h.RegisterAsync("people", TestSchemas.PersonV1);
        var revision = (await Registry.Store.GetSubjectAsync("people", Ct))!.Revision;

        var again = await _h.RegisterAsync("people", TestSchemas.PersonV1);

        Assert.Equal((first.SchemaId, first.Version, false), (again.SchemaId, again.Version, again.Created));
        Assert.Equal(revision, (await Registry.Store.GetSubjectAsync("people", Ct))!.Revision);
    }

    [Fact]
    public async Task Content_differing_only_in_layout_and_member_order_is_the_same_schema()
    {
        var first = await _h.RegisterAsync("people", TestSchemas.PersonV1);

        var reordered = await _h.RegisterAsync("people", """
            {
              "additionalProperties": false,
              "required": [ "name" ],
              "properties": { "name": { "type": "string" } },
              "type": "object"
            }
            """);

        Assert.Equal((first.SchemaId, 1, false), (reordered.SchemaId, reordered.Version, reordered.Created));
    }

    [Fact]
    public async Task Same_content_under_another_subject_gets_the_same_id_and_its_own_version()
    {
        await _h.RegisterAsync("a", TestSchemas.Titled("x"));
        var first = await _h.RegisterAsync("b", TestSchemas.PersonV1);

        var other = await _h.RegisterAsync("c", TestSchemas.PersonV1);

        Assert.Equal(first.SchemaId, other.SchemaId);
        Assert.Equal(1, other.Version);
        var usage = await Registry.GetSchemaUsageAsync(first.SchemaId, cancellationToken: Ct);
        Assert.Equal(["b", "c"], usage.Select(u => u.Subject));
    }

    [Fact]
    public async Task Re_registering_an_older_live_version_returns_it()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV1);
        await _h.RegisterAsync("people", TestSchemas.PersonV2);

        var again = await _h.RegisterAsync("people", TestSchemas.PersonV1);

        Assert.Equal((1, false), (again.Version, again.Created));
        Assert.Equal(2, (await Registry.ListVersionsAsync("people", cancellationToken: Ct)).Count);
    }

    [Fact]
    public async Task A_compatible_change_gets_the_next_version_and_a_suggested_bump()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV1);

        var v2 = await _h.RegisterAsync("people", TestSchemas.PersonV2);

        Assert.Equal((2, 2L, true), (v2.Version, v2.SchemaId, v2.Created));
        Assert.True(v2.SuggestedBump is VersionBump.Minor or VersionBump.Patch, $"bump {v2.SuggestedBump}");
    }

    [Fact]
    public async Task An_incompatible_change_is_refused_with_its_differences_and_writes_nothing()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV1);

        var e = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("people", TestSchemas.PersonV3));

        Assert.Equal(RegistryErrorCode.Incompatible, e.Code);
        Assert.NotEmpty(e.Differences);
        Assert.All(e.Differences, d => Assert.False(d.IsCompatible));
        Assert.Equal([1], e.ComparedVersions);
        Assert.Single(await Registry.ListVersionsAsync("people", cancellationToken: Ct));
        Assert.Null(await Registry.Store.FindSchemaIdAsync(SchemaIdentity.Compute("JSON", Utf8(TestSchemas.PersonV3), [], 64).Fingerprint, Ct));
    }

    [Fact]
    public async Task Level_none_accepts_an_incompatible_change_and_still_suggests_a_major_bump()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV1);
        await Registry.SetCompatibilityAsync("people", CompatibilityLevel.None, cancellationToken: Ct);

        var v2 = await _h.RegisterAsync("people", TestSchemas.PersonV3);

        Assert.Equal(2, v2.Version);
        Assert.Equal(VersionBump.Major, v2.SuggestedBump);
    }

    [Fact]
    public async Task Transitive_levels_check_every_live_version_and_plain_levels_only_the_latest()
    {
        await Registry.SetCompatibilityAsync("people", CompatibilityLevel.None, cancellationToken: Ct);
        await _h.RegisterAsync("people", TestSchemas.PersonV3);
        await _h.RegisterAsync("people", TestSchemas.PersonV2);

        // PersonV1 is compatible with the latest (V2) but not with V3.
        await Registry.SetCompatibilityAsync("people", CompatibilityLevel.BackwardTransitive, cancellationToken: Ct);
        var transitive = await Registry.CheckCompatibilityAsync("people", new SchemaInput(Utf8(TestSchemas.PersonV1)), cancellationToken: Ct);
        await Registry.SetCompatibilityAsync("people", CompatibilityLevel.Forward, cancellationToken: Ct);
        var plain = await Registry.CheckCompatibilityAsync("people", new SchemaInput(Utf8(TestSchemas.PersonV1)), cancellationToken: Ct);

        Assert.False(transitive.IsCompatible);
        Assert.Equal([1, 2], transitive.ComparedVersions);
        Assert.True(plain.IsCompatible);
        Assert.Equal([2], plain.ComparedVersions);
    }

    [Fact]
    public async Task Soft_deleted_versions_are_not_compared_with()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV1);
        await Registry.DeleteVersionAsync("people", VersionSelector.Of(1), cancellationToken: Ct);

        var next = await _h.RegisterAsync("people", TestSchemas.PersonV3);

        Assert.Equal(2, next.Version);
    }

    [Fact]
    public async Task An_invalid_schema_is_refused_and_writes_nothing()
    {
        var e = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("bad", """{"type":12}"""));

        Assert.Equal(RegistryErrorCode.InvalidSchema, e.Code);
        Assert.Empty(await Registry.ListSubjectsAsync(deleted: DeletedFilter.Include, cancellationToken: Ct));
    }

    [Fact]
    public async Task References_are_resolved_and_recorded()
    {
        await _h.RegisterAsync("address", """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""");
        var customer = await _h.RegisterAsync("customer",
            """{"type":"object","properties":{"home":{"$ref":"address.json"}}}""",
            r => r with { References = [new SchemaReference("address.json", "address", 1)] });

        var referrers = await Registry.GetReferencedByAsync("address", VersionSelector.Of(1), cancellationToken: Ct);
        var valid = await Registry.ValidateAsync(ValidationTarget.ById(customer.SchemaId), Utf8("""{"home":{"city":"Oslo"}}"""), Ct);
        var invalid = await Registry.ValidateAsync(ValidationTarget.ById(customer.SchemaId), Utf8("""{"home":{}}"""), Ct);

        Assert.Equal(("customer", 1), (referrers.Single().Subject, referrers.Single().Version));
        Assert.True(valid.Results[0].IsValid);
        Assert.False(invalid.Results[0].IsValid);
    }

    [Fact]
    public async Task A_schema_with_an_id_resolves_references_by_their_relative_name()
    {
        await _h.RegisterAsync("address", """{"type":"string","minLength":2}""");
        var customer = await _h.RegisterAsync("customer",
            """{"$id":"https://example.com/schemas/customer.json","type":"object","properties":{"home":{"$ref":"address.json"}}}""",
            r => r with { References = [new SchemaReference("address.json", "address", 1)] });

        var invalid = await Registry.ValidateAsync(ValidationTarget.ById(customer.SchemaId), Utf8("""{"home":"x"}"""), Ct);

        Assert.False(invalid.Results[0].IsValid);
    }

    [Fact]
    public async Task References_are_part_of_the_identity()
    {
        await _h.RegisterAsync("address", """{"type":"string","maxLength":99}""");
        await _h.RegisterAsync("address", """{"type":"string"}""");
        var pinned1 = await _h.RegisterAsync("a", """{"$ref":"address.json"}""", r => r with { References = [new SchemaReference("address.json", "address", 1)] });
        var pinned2 = await _h.RegisterAsync("b", """{"$ref":"address.json"}""", r => r with { References = [new SchemaReference("address.json", "address", 2)] });

        Assert.NotEqual(pinned1.SchemaId, pinned2.SchemaId);
    }

    [Fact]
    public async Task A_reference_to_a_missing_or_soft_deleted_version_is_refused()
    {
        await _h.RegisterAsync("address", """{"type":"string"}""");
        await Registry.DeleteVersionAsync("address", VersionSelector.Of(1), cancellationToken: Ct);

        var missing = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("a", """{"$ref":"x.json"}""",
            r => r with { References = [new SchemaReference("x.json", "nowhere", 1)] }));
        var deleted = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("a", """{"$ref":"x.json"}""",
            r => r with { References = [new SchemaReference("x.json", "address", 1)] }));

        Assert.Equal(RegistryErrorCode.ReferenceNotFound, missing.Code);
        Assert.Equal(RegistryErrorCode.ReferenceNotFound, deleted.Code);
    }

    [Fact]
    public async Task Semver_labels_must_increase_and_the_next_one_is_suggested()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV1, r => r with { Semver = "1.0.0" });

        var lower = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("people", TestSchemas.PersonV2, r => r with { Semver = "1.0.0" }));
        var malformed = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("people", TestSchemas.PersonV2, r => r with { Semver = "1.0" }));
        var v2 = await _h.RegisterAsync("people", TestSchemas.PersonV2, r => r with { Semver = "1.1.0" });
        await Registry.SetCompatibilityAsync("people", CompatibilityLevel.None, cancellationToken: Ct);
        var v3 = await _h.RegisterAsync("people", TestSchemas.PersonV3);

        Assert.Equal(RegistryErrorCode.InvalidSemver, lower.Code);
        Assert.Equal(RegistryErrorCode.InvalidSemver, malformed.Code);
        Assert.Equal("1.1.0", v2.Semver);
        Assert.Equal("2.0.0", v3.SuggestedSemver);
        Assert.Null(v3.Semver);
    }

    [Fact]
    public async Task A_draft_registers_as_draft_and_other_initial_states_are_refused()
    {
        var draft = await _h.RegisterAsync("people", TestSchemas.PersonV1, r => r with { InitialState = LifecycleState.Draft });
        var e = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("other", TestSchemas.PersonV1, r => r with { InitialState = LifecycleState.Deprecated }));

        Assert.Equal(LifecycleState.Draft, (await Registry.GetVersionAsync("people", VersionSelector.Of(draft.Version), cancellationToken: Ct)).Info.State);
        Assert.Equal(RegistryErrorCode.InvalidRequest, e.Code);
    }

    [Fact]
    public async Task Normalize_stores_the_canonical_form()
    {
        var result = await _h.RegisterAsync("n", "{ \"type\" : \"string\" ,\n \"$comment\": \"x\" }", r => r with { Normalize = true });

        var schema = await Registry.GetSchemaAsync(result.SchemaId, Ct);

        Assert.Equal("""{"$comment":"x","type":"string"}""", Encoding.UTF8.GetString(schema.Content.Span));
    }

    [Fact]
    public async Task Unsupported_types_and_oversized_schemas_are_refused()
    {
        await using var small = await EngineHarness.CreateAsync(new RegistryEngineOptions { Limits = new global::Registry.Schemas.Validation.SchemaLimits { MaxSchemaBytes = 16 } });

        var avro = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("a", "{}", r => r with { SchemaType = "AVRO" }));
        var large = await Assert.ThrowsAsync<RegistryException>(() => small.RegisterAsync("a", TestSchemas.PersonV1));

        Assert.Equal(RegistryErrorCode.UnsupportedSchemaType, avro.Code);
        Assert.Equal(RegistryErrorCode.TooLarge, large.Code);
    }

    [Fact]
    public async Task Lookup_finds_the_version_by_content_under_a_subject()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV1);
        await _h.RegisterAsync("people", TestSchemas.PersonV2);

        var found = await Registry.LookupAsync("people", new SchemaInput(Utf8(TestSchemas.PersonV1)), cancellationToken: Ct);
        var missing = await Assert.ThrowsAsync<RegistryException>(() => Registry.LookupAsync("people", new SchemaInput(Utf8(TestSchemas.PersonV3)), cancellationToken: Ct));
        var noSubject = await Assert.ThrowsAsync<RegistryException>(() => Registry.LookupAsync("nobody", new SchemaInput(Utf8(TestSchemas.PersonV1)), cancellationToken: Ct));

        Assert.Equal(1, found.Version);
        Assert.Equal(RegistryErrorCode.SchemaNotFound, missing.Code);
        Assert.Equal(RegistryErrorCode.SubjectNotFound, noSubject.Code);
    }

    [Fact]
    public async Task Reads_tell_missing_subjects_versions_and_ids_apart()
    {
        await _h.RegisterAsync("people", TestSchemas.PersonV1);

        Assert.Equal(RegistryErrorCode.SubjectNotFound, (await Assert.ThrowsAsync<RegistryException>(() => Registry.GetVersionAsync("nobody", VersionSelector.Of(1), cancellationToken: Ct))).Code);
        Assert.Equal(RegistryErrorCode.VersionNotFound, (await Assert.ThrowsAsync<RegistryException>(() => Registry.GetVersionAsync("people", VersionSelector.Of(2), cancellationToken: Ct))).Code);
        Assert.Equal(RegistryErrorCode.SchemaNotFound, (await Assert.ThrowsAsync<RegistryException>(async () => await Registry.GetSchemaAsync(2, Ct))).Code);
        Assert.Equal(RegistryErrorCode.SubjectNotFound, (await Assert.ThrowsAsync<RegistryException>(() => Registry.ListVersionsAsync("nobody", cancellationToken: Ct))).Code);
    }

    [Fact]
    public async Task Subjects_list_with_prefix_and_paging()
    {
        foreach (var name in new[] { "b.two", "a.one", "b.one", "c" })
        {
            await _h.RegisterAsync(name, TestSchemas.Titled(name));
        }

        Assert.Equal(["a.one", "b.one", "b.two", "c"], await Registry.ListSubjectsAsync(cancellationToken: Ct));
        Assert.Equal(["b.one", "b.two"], await Registry.ListSubjectsAsync("b.", cancellationToken: Ct));
        Assert.Equal(["b.two"], await Registry.ListSubjectsAsync(offset: 2, limit: 1, cancellationToken: Ct));
        await Assert.ThrowsAsync<RegistryException>(() => Registry.ListSubjectsAsync(offset: -1, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_cached_schema_is_served_without_the_store()
    {
        var result = await _h.RegisterAsync("people", TestSchemas.PersonV1);
        await Registry.GetSchemaAsync(result.SchemaId, Ct);

        Assert.True(Registry.TryGetCachedSchema(result.SchemaId, out var cached));
        var fromCache = Registry.GetSchemaAsync(result.SchemaId, Ct);
        Assert.True(fromCache.IsCompletedSuccessfully);
        Assert.Same(cached, await fromCache);
    }

    [Fact]
    public async Task Changes_are_announced_for_invalidation()
    {
        var changes = new List<RegistryChangedEventArgs>();
        Registry.Changed += (_, e) => changes.Add(e);

        var result = await _h.RegisterAsync("people", TestSchemas.PersonV1);
        await Registry.SetCompatibilityAsync(null, CompatibilityLevel.Full, cancellationToken: Ct);

        Assert.Equal((RegistryChangeKind.Subject, "people"), (changes[0].Kind, changes[0].Subject));
        Assert.Equal([result.SchemaId], changes[0].SchemaIds);
        Assert.Equal((RegistryChangeKind.Config, (string?)null), (changes[1].Kind, changes[1].Subject));
    }
}
