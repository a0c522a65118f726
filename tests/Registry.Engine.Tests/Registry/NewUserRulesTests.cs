using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Schemas.Compatibility;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>
/// The rules a new user meets first: 'latest' means released, NONE reports nothing as incompatible, refusals say
/// what to do, the suggested label counts from the newest labelled version, search, and format assertion per subject
/// and per request.
/// </summary>
public sealed class NewUserRulesTests : IAsyncLifetime
{
    private const string Open = """{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}""";
    private const string OpenPlusLimit = """{"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer"}},"required":["query"]}""";
    private const string Email = """{"type":"string","format":"email"}""";

    private EngineHarness _h = null!;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync() => _h = await EngineHarness.CreateAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Latest_is_the_newest_active_or_deprecated_version_never_a_draft_or_an_archived_one()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1);
        await _h.RegisterAsync("s", TestSchemas.PersonV2, r => r with { InitialState = LifecycleState.Draft });

        Assert.Equal(1, (await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct)).Version);
        Assert.Equal(2, (await Registry.GetVersionAsync("s", VersionSelector.Of(2), cancellationToken: Ct)).Version);
        var validation = await Registry.ValidateAsync(ValidationTarget.ByVersion("s", VersionSelector.Latest), Bytes("""{"name":"a"}"""), Ct);
        Assert.Equal(1, validation.Version);

        await Registry.ChangeStateAsync("s", VersionSelector.Of(2), LifecycleState.Active, cancellationToken: Ct);
        Assert.Equal(2, (await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct)).Version);

        await Registry.ChangeStateAsync("s", VersionSelector.Of(2), LifecycleState.Deprecated, cancellationToken: Ct);
        Assert.Equal(2, (await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct)).Version);

        await Registry.ChangeStateAsync("s", VersionSelector.Of(2), LifecycleState.Archived, cancellationToken: Ct);
        Assert.Equal(1, (await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct)).Version);
    }

    [Fact]
    public async Task A_subject_with_only_a_draft_has_no_latest_and_the_refusal_names_the_draft()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1, r => r with { InitialState = LifecycleState.Draft });

        var e = await Assert.ThrowsAsync<RegistryException>(() => Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct));

        Assert.Equal(RegistryErrorCode.VersionNotFound, e.Code);
        Assert.Contains("1 (DRAFT)", e.Message, StringComparison.Ordinal);
        Assert.Contains("ACTIVE", e.Message, StringComparison.Ordinal);
        var check = await Assert.ThrowsAsync<RegistryException>(() =>
            Registry.CheckCompatibilityAsync("s", new SchemaInput(Bytes(TestSchemas.PersonV2)), VersionSelector.Latest, Ct));
        Assert.Equal(RegistryErrorCode.VersionNotFound, check.Code);
    }

    [Fact]
    public async Task Adding_an_optional_property_to_an_open_model_is_refused_with_the_remedy()
    {
        await _h.RegisterAsync("s", Open);

        var e = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("s", OpenPlusLimit));

        Assert.Equal(RegistryErrorCode.Incompatible, e.Code);
        var difference = Assert.Single(e.Differences);
        Assert.Equal(DifferenceNames.PropertyAddedToOpenContentModel, difference.Name);
        Assert.Contains("LENIENT", difference.Remedy, StringComparison.Ordinal);
        Assert.Contains("additionalProperties", difference.Remedy, StringComparison.Ordinal);
        Assert.Contains("To fix:", e.Message, StringComparison.Ordinal);

        // The remedy works: under LENIENT the same change is accepted.
        await Registry.SetCompatibilityAsync("s", null, CompatibilityPolicy.Lenient, Ct);
        Assert.Equal(2, (await _h.RegisterAsync("s", OpenPlusLimit)).Version);
    }

    [Fact]
    public async Task Under_NONE_an_incompatible_change_is_registered_and_no_difference_is_reported_as_incompatible()
    {
        await Registry.SetCompatibilityAsync("s", CompatibilityLevel.None, cancellationToken: Ct);
        await _h.RegisterAsync("s", TestSchemas.PersonV1);

        var result = await _h.RegisterAsync("s", TestSchemas.PersonV3);

        Assert.True(result.Created);
        Assert.DoesNotContain(result.Differences, d => !d.IsCompatible);
        Assert.Equal(VersionBump.Major, result.SuggestedBump);
    }

    [Fact]
    public async Task The_suggested_label_counts_every_change_since_the_newest_labelled_version()
    {
        const string v3 = """{"type":"object","title":"Person","properties":{"name":{"type":"string"},"email":{"type":"string"}},"required":["name"],"additionalProperties":false}""";
        await _h.RegisterAsync("s", TestSchemas.PersonV1, r => r with { Semver = "1.0.0" });
        var unlabelled = await _h.RegisterAsync("s", TestSchemas.PersonV2);
        Assert.Equal("1.1.0", unlabelled.SuggestedSemver);

        // From version 2 only a title changed (a patch), but since 1.0.0 a property was added (a minor).
        var result = await _h.RegisterAsync("s", v3);

        Assert.Equal(VersionBump.Patch, result.SuggestedBump);
        Assert.Equal("1.1.0", result.SuggestedSemver);
    }

    [Fact]
    public async Task Search_finds_subjects_by_tag_owner_and_text_in_names_and_descriptions()
    {
        await _h.RegisterAsync("tools.search", TestSchemas.PersonV1, r => r with
        {
            Metadata = new VersionMetadata { Description = "Web search for the assistant", Owner = "team-a", Tags = ["llm", "search"] },
        });
        await _h.RegisterAsync("events.order", TestSchemas.PersonV1, r => r with
        {
            Metadata = new VersionMetadata { Description = "Order placed", Owner = "team-b", Tags = ["kafka"] },
        });

        Assert.Equal(["tools.search"], await Registry.SearchSubjectsAsync(new SubjectSearch { Tag = "LLM" }, Ct));
        Assert.Equal(["events.order"], await Registry.SearchSubjectsAsync(new SubjectSearch { Owner = "team-b" }, Ct));
        Assert.Equal(["tools.search"], await Registry.SearchSubjectsAsync(new SubjectSearch { Text = "assistant" }, Ct));
        Assert.Equal(["events.order"], await Registry.SearchSubjectsAsync(new SubjectSearch { Text = "ORDER" }, Ct));
        Assert.Empty(await Registry.SearchSubjectsAsync(new SubjectSearch { Tag = "llm", Owner = "team-b" }, Ct));
        Assert.Equal(["events.order"], await Registry.SearchSubjectsAsync(new SubjectSearch { Text = "e", Offset = 0, Limit = 1 }, Ct));
        Assert.Equal(["tools.search"], await Registry.SearchSubjectsAsync(new SubjectSearch { Text = "e", Offset = 1, Limit = 1 }, Ct));

        await Registry.DeleteSubjectAsync("tools.search", cancellationToken: Ct);
        Assert.Empty(await Registry.SearchSubjectsAsync(new SubjectSearch { Tag = "llm" }, Ct));
        Assert.Equal(["tools.search"], await Registry.SearchSubjectsAsync(new SubjectSearch { Tag = "llm", Deleted = DeletedFilter.Include }, Ct));
    }

    [Fact]
    public async Task Format_is_asserted_when_the_subject_or_the_request_asks_and_not_otherwise()
    {
        var id = (await _h.RegisterAsync("s", Email)).SchemaId;
        var notAnEmail = Bytes("\"not an email\"");

        Assert.True(await ValidAsync(ValidationTarget.ByVersion("s", VersionSelector.Latest)));
        Assert.False(await ValidAsync(ValidationTarget.ByVersion("s", VersionSelector.Latest) with { FormatAssertion = true }));
        Assert.False(await ValidAsync(ValidationTarget.ById(id) with { FormatAssertion = true }));
        Assert.True(await ValidAsync(ValidationTarget.ById(id)));

        await Registry.SetCompatibilityAsync("s", null, null, formatAssertion: true, Ct);
        Assert.True((await Registry.GetEffectiveConfigAsync("s", Ct)).FormatAssertion);
        Assert.False(await ValidAsync(ValidationTarget.ByVersion("s", VersionSelector.Latest)));
        Assert.True(await ValidAsync(ValidationTarget.ByVersion("s", VersionSelector.Latest) with { FormatAssertion = false }));

        await Registry.ClearCompatibilityAsync("s", Ct);
        Assert.True(await ValidAsync(ValidationTarget.ByVersion("s", VersionSelector.Latest)));

        var global = await Assert.ThrowsAsync<RegistryException>(() => Registry.SetCompatibilityAsync(null, null, null, formatAssertion: true, Ct));
        Assert.Equal(RegistryErrorCode.InvalidRequest, global.Code);

        async Task<bool> ValidAsync(ValidationTarget target) => (await Registry.ValidateAsync(target, notAnEmail, Ct)).Results[0].IsValid;
    }

    [Fact]
    public async Task Metadata_keys_under_the_registry_prefix_are_reserved()
    {
        var e = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("s", TestSchemas.PersonV1, r => r with
        {
            Metadata = new VersionMetadata { Properties = new Dictionary<string, string> { ["registry.state"] = "ACTIVE" } },
        }));

        Assert.Equal(RegistryErrorCode.InvalidRequest, e.Code);
        Assert.Contains("registry.state", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unresolved_reference_is_named_as_written_with_the_references_hint_and_no_internal_uri()
    {
        var e = await Assert.ThrowsAsync<RegistryException>(() =>
            _h.RegisterAsync("s", """{"type":"object","properties":{"address":{"$ref":"address.json"}}}"""));

        Assert.Equal(RegistryErrorCode.InvalidSchema, e.Code);
        Assert.Contains("'address.json'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'references'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("registry.invalid", e.Message, StringComparison.Ordinal);
        Assert.Equal("#/properties/address/$ref", Assert.Single(e.SchemaErrors).SchemaLocation);
    }
}
