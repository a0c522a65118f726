using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Services.Backup;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>
/// The dialect of a schema that names no <c>$schema</c>: the subject's setting, else the API's default (draft-07 on
/// the Confluent API), else the server's; recorded with the schema, so that compilation, validation and comparison
/// read it the same way ever after, and part of its identity.
/// </summary>
public sealed class DefaultDraftTests : IAsyncLifetime
{
    /// <summary>A pair: a string then an integer, nothing after (draft-07's tuple form).</summary>
    private const string Pair = """{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}""";

    /// <summary>The pair with its second member turned into a string.</summary>
    private const string PairOfStrings = """{"type":"array","items":[{"type":"string"},{"type":"string"}],"additionalItems":false}""";

    /// <summary>"a" needs "b" (draft-07's <c>dependencies</c>, which the registry reads in 2020-12 too).</summary>
    private const string Dependent = """{"type":"object","dependencies":{"a":["b"]}}""";

    /// <summary>A string by reference, with a sibling <c>maxLength</c>: ignored beside <c>$ref</c> in draft-07, applied in 2020-12.</summary>
    private const string RefSibling = """{"definitions":{"code":{"type":"string"}},"$ref":"#/definitions/code","maxLength":2}""";

    private const string AnyObject = """{"type":"object"}""";

    private EngineHarness _h = null!;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync() => _h = await EngineHarness.CreateAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private Task<RegistrationResult> RegisterDraft7Async(string subject, string schema) =>
        _h.RegisterAsync(subject, schema, r => r with { DefaultDraft = JsonSchemaDraft.Draft7 });

    private async Task<bool> ValidAsync(SchemaRegistry registry, ValidationTarget target, string document) =>
        (await registry.ValidateAsync(target, Bytes(document), Ct)).Results[0].IsValid;

    private Task<bool> ValidAsync(string subject, string document) =>
        ValidAsync(Registry, ValidationTarget.ByVersion(subject, VersionSelector.Latest), document);

    [Fact]
    public async Task A_tuple_items_array_with_additional_items_is_enforced_under_draft_07()
    {
        await RegisterDraft7Async("pairs", Pair);

        Assert.True(await ValidAsync("pairs", """["a", 1]"""));
        Assert.True(await ValidAsync("pairs", """["a"]"""));
        Assert.False(await ValidAsync("pairs", """["a", "b"]"""));
        Assert.False(await ValidAsync("pairs", """["a", 1, true]"""));
    }

    [Fact]
    public async Task A_tuple_items_array_is_refused_under_2020_12()
    {
        var e = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("pairs", Pair));

        Assert.Equal(RegistryErrorCode.InvalidSchema, e.Code);
    }

    [Fact]
    public async Task Dependencies_are_enforced_under_draft_07_and_read_alike_under_2020_12()
    {
        await RegisterDraft7Async("seven", Dependent);
        await _h.RegisterAsync("twenty", Dependent);

        Assert.False(await ValidAsync("seven", """{"a": 1}"""));
        Assert.True(await ValidAsync("seven", """{"a": 1, "b": 2}"""));
        Assert.False(await ValidAsync("twenty", """{"a": 1}"""));
    }

    [Fact]
    public async Task Keywords_beside_a_ref_are_ignored_under_draft_07_and_apply_under_2020_12()
    {
        await RegisterDraft7Async("seven", RefSibling);
        await _h.RegisterAsync("twenty", RefSibling);

        Assert.True(await ValidAsync("seven", "\"abc\""));
        Assert.False(await ValidAsync("twenty", "\"abc\""));
        Assert.False(await ValidAsync("seven", "12"));
    }

    [Fact]
    public async Task The_subject_setting_wins_over_the_api_default_and_the_server_default_applies_last()
    {
        await Registry.SetCompatibilityAsync("configured", null, null, null, JsonSchemaDraft.Draft7, Ct);
        await _h.RegisterAsync("configured", RefSibling);
        await Registry.SetCompatibilityAsync("overridden", null, null, null, JsonSchemaDraft.Draft202012, Ct);
        await RegisterDraft7Async("overridden", RefSibling);

        Assert.True(await ValidAsync("configured", "\"abc\""));
        Assert.False(await ValidAsync("overridden", "\"abc\""));
        Assert.Equal(JsonSchemaDraft.Draft7, (await Registry.GetConfigAsync("configured", Ct)).DefaultDraft);

        await using var seven = await EngineHarness.CreateAsync(new RegistryEngineOptions { DefaultDraft = JsonSchemaDraft.Draft7 });
        await seven.RegisterAsync("server", RefSibling);
        Assert.True(await ValidAsync(seven.Registry, ValidationTarget.ByVersion("server", VersionSelector.Latest), "\"abc\""));
    }

    [Fact]
    public async Task The_same_text_read_in_two_dialects_gets_two_ids_and_text_naming_its_dialect_one()
    {
        var seven = await RegisterDraft7Async("seven", RefSibling);
        var twenty = await _h.RegisterAsync("twenty", RefSibling);
        const string Named = """{"$schema":"http://json-schema.org/draft-07/schema#","definitions":{"code":{"type":"string"}},"$ref":"#/definitions/code","maxLength":2}""";
        var namedSeven = await RegisterDraft7Async("seven-named", Named);
        var namedTwenty = await _h.RegisterAsync("twenty-named", Named);

        Assert.NotEqual(seven.SchemaId, twenty.SchemaId);
        Assert.Equal(namedSeven.SchemaId, namedTwenty.SchemaId);
        Assert.Equal("JSON", (await Registry.GetSchemaAsync(seven.SchemaId, Ct)).SchemaType);
        Assert.Equal(JsonSchemaDraft.Draft7, (await Registry.GetSchemaAsync(seven.SchemaId, Ct)).DefaultDraft);
        Assert.Equal(JsonSchemaDraft.Draft202012, (await Registry.GetSchemaAsync(twenty.SchemaId, Ct)).DefaultDraft);

        // By id, each schema validates in its own dialect, whatever subject it came from.
        Assert.True(await ValidAsync(Registry, ValidationTarget.ById(seven.SchemaId), "\"abc\""));
        Assert.False(await ValidAsync(Registry, ValidationTarget.ById(twenty.SchemaId), "\"abc\""));
    }

    [Fact]
    public async Task Lookup_finds_a_schema_only_in_the_dialect_it_was_registered_in()
    {
        var registered = await RegisterDraft7Async("seven", Dependent);

        var found = await Registry.LookupAsync("seven", new SchemaInput(Bytes(Dependent)) { DefaultDraft = JsonSchemaDraft.Draft7 }, cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<RegistryException>(() => Registry.LookupAsync("seven", new SchemaInput(Bytes(Dependent)), cancellationToken: Ct));

        Assert.Equal(registered.SchemaId, found.Schema.Id);
        Assert.Equal(RegistryErrorCode.SchemaNotFound, e.Code);
    }

    [Fact]
    public async Task Compatibility_reads_tuples_and_dependencies_as_the_validator_does()
    {
        await RegisterDraft7Async("pairs", Pair);
        var narrowed = await Registry.CheckCompatibilityAsync("pairs", new SchemaInput(Bytes(PairOfStrings)) { DefaultDraft = JsonSchemaDraft.Draft7 }, cancellationToken: Ct);

        await RegisterDraft7Async("seven", AnyObject);
        await _h.RegisterAsync("twenty", AnyObject);
        var sevenAddsDependency = await Registry.CheckCompatibilityAsync("seven", new SchemaInput(Bytes(Dependent)) { DefaultDraft = JsonSchemaDraft.Draft7 }, cancellationToken: Ct);
        var twentyAddsDependency = await Registry.CheckCompatibilityAsync("twenty", new SchemaInput(Bytes(Dependent)), cancellationToken: Ct);

        Assert.False(narrowed.IsCompatible);
        Assert.Contains(narrowed.Differences, d => !d.IsCompatible && d.Location.StartsWith("#/items/1", StringComparison.Ordinal));
        Assert.False(sevenAddsDependency.IsCompatible);
        Assert.False(twentyAddsDependency.IsCompatible);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => RegisterDraft7Async("pairs", PairOfStrings));
        Assert.Equal(RegistryErrorCode.Incompatible, refused.Code);
    }

    [Fact]
    public async Task Versions_keep_their_dialect_when_the_subject_setting_changes_and_across_a_restart()
    {
        await Registry.SetCompatibilityAsync("s", CompatibilityLevel.None, null, null, JsonSchemaDraft.Draft7, Ct);
        await _h.RegisterAsync("s", RefSibling);
        await Registry.SetCompatibilityAsync("s", null, null, null, JsonSchemaDraft.Draft202012, Ct);
        var second = await _h.RegisterAsync("s", RefSibling);

        Assert.True(second.Created);
        Assert.Equal(2, second.Version);
        Assert.True(await ValidAsync(Registry, ValidationTarget.ByVersion("s", VersionSelector.Of(1)), "\"abc\""));
        Assert.False(await ValidAsync(Registry, ValidationTarget.ByVersion("s", VersionSelector.Of(2)), "\"abc\""));

        var reopened = await _h.OpenAsync();
        Assert.True(await ValidAsync(reopened, ValidationTarget.ByVersion("s", VersionSelector.Of(1)), "\"abc\""));
        Assert.Equal(JsonSchemaDraft.Draft202012, (await reopened.GetConfigAsync("s", Ct)).DefaultDraft);
    }

    [Fact]
    public async Task The_dialect_survives_a_backup_and_restore()
    {
        var registered = await RegisterDraft7Async("seven", RefSibling);
        var backup = await BackupRestoreTests.ExportAsync(Registry);
        await using var target = await EngineHarness.CreateAsync();

        await target.Registry.ImportAsync(new MemoryStream(backup), new RestoreOptions(), Ct);

        Assert.Equal(JsonSchemaDraft.Draft7, (await target.Registry.GetSchemaAsync(registered.SchemaId, Ct)).DefaultDraft);
        Assert.True(await ValidAsync(target.Registry, ValidationTarget.ById(registered.SchemaId), "\"abc\""));
    }

    [Fact]
    public async Task The_default_draft_is_set_per_subject_only_and_cleared_with_the_rest()
    {
        var global = await Assert.ThrowsAsync<RegistryException>(() => Registry.SetCompatibilityAsync(null, null, null, null, JsonSchemaDraft.Draft7, Ct));
        await Registry.SetCompatibilityAsync("s", null, null, null, JsonSchemaDraft.Draft4, Ct);
        await Registry.ClearCompatibilityAsync("s", Ct);

        Assert.Equal(RegistryErrorCode.InvalidRequest, global.Code);
        Assert.Contains("Registry:Engine:DefaultDraft", global.Message, StringComparison.Ordinal);
        Assert.Null((await Registry.GetConfigAsync("s", Ct)).DefaultDraft);
    }
}
