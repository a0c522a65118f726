using System.Text;
using Registry.Protocol;
using Registry.Protocol.Messages;

namespace Registry.Client.Tests;

/// <summary>Every opcode through <see cref="RegistryClient"/> against the server in this process, over a real socket.</summary>
public sealed class OperationTests
{
    private const string Person = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""";
    // Backward compatible with Person: it admits every document Person admits.
    private const string PersonWithAge = """{"type":"object","properties":{"name":{"type":"string"},"age":{}}}""";

    private static CancellationToken Ct => ClientFixture.Ct;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Ping_measures_a_round_trip()
    {
        await using var f = await ClientFixture.StartAsync();

        var elapsed = await f.Client.PingAsync(Ct);

        Assert.True(elapsed > TimeSpan.Zero);
    }

    [Fact]
    public async Task Register_returns_the_id_and_version_and_registering_again_returns_the_same_without_creating()
    {
        await using var f = await ClientFixture.StartAsync();

        var first = await f.Client.RegisterAsync("people", Person, Ct);
        var again = await f.Client.RegisterAsync("people", Person, Ct);
        var elsewhere = await f.Client.RegisterAsync("customers", Person, Ct);

        Assert.Equal((1, true), (first.Version, first.Created));
        Assert.Equal((first.SchemaId, 1, false), (again.SchemaId, again.Version, again.Created));
        Assert.Equal(first.SchemaId, elsewhere.SchemaId);
    }

    [Fact]
    public async Task Get_schema_by_id_returns_the_registered_bytes_and_serves_the_second_call_from_the_cache()
    {
        await using var f = await ClientFixture.StartAsync();
        var registered = await f.Client.RegisterAsync("people", Person, Ct);

        var first = await f.Client.GetSchemaAsync(registered.SchemaId, Ct);
        var cached = f.Client.GetSchemaAsync(registered.SchemaId, Ct);

        Assert.Equal(Person, first.ToString());
        Assert.Equal((registered.SchemaId, SchemaType.Json), (first.Id, first.SchemaType));
        Assert.True(cached.IsCompletedSuccessfully);
        Assert.Same(first, await cached);
    }

    [Fact]
    public async Task An_unknown_schema_id_is_refused_with_schema_not_found()
    {
        await using var f = await ClientFixture.StartAsync();

        var error = await Assert.ThrowsAsync<RegistryRequestException>(async () => await f.Client.GetSchemaAsync(987_654, Ct));

        Assert.Equal(StatusCode.SchemaNotFound, error.Status);
        Assert.Contains("987654", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_version_returns_a_numbered_version_and_the_latest()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("people", Person, Ct);
        var second = await f.Client.RegisterAsync("people", PersonWithAge, Ct);

        var latest = await f.Client.GetVersionAsync("people", cancellationToken: Ct);
        var one = await f.Client.GetVersionAsync("people", 1, cancellationToken: Ct);

        Assert.Equal((2, second.SchemaId), (latest.Info.Version, latest.Info.SchemaId));
        Assert.Equal(PersonWithAge, Encoding.UTF8.GetString(latest.Schema.Span));
        Assert.Equal(1, one.Info.Version);
        Assert.Equal(Person, Encoding.UTF8.GetString(one.Schema.Span));
        Assert.Equal("client-tests", one.Info.CreatedBy);
    }

    [Fact]
    public async Task List_subjects_pages_in_order_and_filters_by_prefix()
    {
        await using var f = await ClientFixture.StartAsync();
        foreach (var subject in new[] { "b.events", "a.events", "c.other" })
        {
            await f.Client.RegisterAsync(subject, Person, Ct);
        }

        var page = await f.Client.ListSubjectsAsync(limit: 2, cancellationToken: Ct);
        var rest = await f.Client.ListSubjectsAsync(offset: 2, limit: 2, cancellationToken: Ct);
        var prefixed = await f.Client.ListSubjectsAsync(prefix: "c.", cancellationToken: Ct);

        Assert.Equal(["a.events", "b.events"], page.Subjects);
        Assert.True(page.HasMore);
        Assert.Equal(["c.other"], rest.Subjects);
        Assert.False(rest.HasMore);
        Assert.Equal(["c.other"], prefixed.Subjects);
    }

    [Fact]
    public async Task List_versions_returns_the_version_numbers_ascending()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("people", Person, Ct);
        await f.Client.RegisterAsync("people", PersonWithAge, Ct);

        var versions = await f.Client.ListVersionsAsync("people", cancellationToken: Ct);

        Assert.Equal([1, 2], versions);
    }

    [Fact]
    public async Task Check_compatibility_reports_an_incompatible_change_with_its_differences()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("people", Person, Ct);
        var narrowed = """{"type":"object","properties":{"name":{"type":"integer"}},"required":["name"]}""";

        var compatible = await f.Client.CheckCompatibilityAsync(new CheckCompatibilityRequest { Subject = "people", Schema = Utf8(PersonWithAge) }, Ct);
        var incompatible = await f.Client.CheckCompatibilityAsync(new CheckCompatibilityRequest { Subject = "people", Schema = Utf8(narrowed) }, Ct);

        Assert.True(compatible.IsCompatible);
        Assert.False(incompatible.IsCompatible);
        Assert.Contains(incompatible.Differences, d => !d.IsCompatible);
    }

    [Fact]
    public async Task Registering_an_incompatible_schema_is_refused_with_the_differences()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("people", Person, Ct);

        var error = await Assert.ThrowsAsync<RegistryRequestException>(async () =>
            await f.Client.RegisterAsync("people", """{"type":"object","properties":{"name":{"type":"integer"}},"required":["name"]}""", Ct));

        Assert.Equal(StatusCode.Incompatible, error.Status);
        Assert.NotEmpty(error.Differences);
    }

    [Fact]
    public async Task Registering_an_invalid_schema_is_refused_with_the_schema_errors()
    {
        await using var f = await ClientFixture.StartAsync();

        var error = await Assert.ThrowsAsync<RegistryRequestException>(async () => await f.Client.RegisterAsync("broken", """{"type":"strin"}""", Ct));

        Assert.Equal(StatusCode.InvalidSchema, error.Status);
        Assert.NotEmpty(error.SchemaErrors);
    }

    [Fact]
    public async Task Validate_by_id_and_by_subject_gives_the_verdict_and_asked_for_errors()
    {
        await using var f = await ClientFixture.StartAsync();
        var registered = await f.Client.RegisterAsync("people", Person, Ct);

        var valid = await f.Client.ValidateAsync(registered.SchemaId, Utf8("""{"name":"Ada"}"""), cancellationToken: Ct);
        var verdictOnly = await f.Client.ValidateAsync(registered.SchemaId, Utf8("""{"name":1}"""), cancellationToken: Ct);
        var withErrors = await f.Client.ValidateAsync("people", VersionSelector.Latest, Utf8("""{"name":1}"""), maxErrors: 10, cancellationToken: Ct);
        var notJson = await f.Client.ValidateAsync(registered.SchemaId, Utf8("""{"name":"""), cancellationToken: Ct);

        Assert.True(valid.IsValid);
        Assert.Equal((ValidationOutcome.Invalid, 0), (verdictOnly.Outcome, verdictOnly.Errors.Count));
        Assert.Equal((ValidationOutcome.Invalid, registered.SchemaId), (withErrors.Outcome, withErrors.SchemaId));
        Assert.Equal("/name", Assert.Single(withErrors.Errors).InstanceLocation);
        Assert.Equal(ValidationOutcome.MalformedJson, notJson.Outcome);
    }

    [Fact]
    public async Task Validate_batch_gives_one_verdict_per_document_in_order()
    {
        await using var f = await ClientFixture.StartAsync();
        var registered = await f.Client.RegisterAsync("people", Person, Ct);
        ReadOnlyMemory<byte>[] documents = [Utf8("""{"name":"a"}"""), Utf8("{}"), Utf8("""{"name":"c"}""")];

        var byId = await f.Client.ValidateBatchAsync(registered.SchemaId, documents, cancellationToken: Ct);
        var bySubject = await f.Client.ValidateBatchAsync("people", 1, documents, maxErrors: 5, cancellationToken: Ct);

        Assert.Equal([true, false, true], byId.Verdicts.Select(v => v.IsValid));
        Assert.Equal([true, false, true], bySubject.Verdicts.Select(v => v.IsValid));
        Assert.NotEmpty(bySubject.Verdicts[1].Errors);
    }

    [Fact]
    public async Task Update_version_changes_state_and_metadata_and_validation_then_warns_of_deprecation()
    {
        await using var f = await ClientFixture.StartAsync();
        var registered = await f.Client.RegisterAsync("people", Person, Ct);

        var described = await f.Client.UpdateVersionAsync(
            new UpdateVersionRequest { Subject = "people", Version = 1, Metadata = new VersionMetadata { Owner = "team-a", Tags = ["pii"] } }, Ct);
        var deprecated = await f.Client.UpdateVersionAsync(
            new UpdateVersionRequest { Subject = "people", Version = 1, State = LifecycleState.Deprecated, Deprecation = new Deprecation { Reason = "use v2" } }, Ct);
        var report = await f.Client.ValidateAsync("people", 1, Utf8("""{"name":"Ada"}"""), cancellationToken: Ct);

        Assert.Equal("team-a", described.Metadata.Owner);
        Assert.Equal(["pii"], described.Metadata.Tags);
        Assert.Equal((LifecycleState.Deprecated, "use v2"), (deprecated.State, deprecated.Deprecation?.Reason));
        Assert.True(report.IsValid);
        Assert.Equal(ValidationWarningKind.Deprecated, Assert.Single(report.Warnings).Kind);
        Assert.Equal(registered.SchemaId, report.SchemaId);
    }

    [Fact]
    public async Task An_illegal_lifecycle_transition_is_refused()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("people", Person, Ct);

        var error = await Assert.ThrowsAsync<RegistryRequestException>(async () =>
            await f.Client.UpdateVersionAsync(new UpdateVersionRequest { Subject = "people", Version = 1, State = LifecycleState.Draft }, Ct));

        Assert.Equal(StatusCode.IllegalTransition, error.Status);
    }

    [Fact]
    public async Task Delete_soft_deletes_a_version_then_the_subject_then_removes_it_permanently()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("people", Person, Ct);
        await f.Client.RegisterAsync("people", PersonWithAge, Ct);

        var one = await f.Client.DeleteAsync("people", 2, cancellationToken: Ct);
        var left = await f.Client.ListVersionsAsync("people", cancellationToken: Ct);
        var subject = await f.Client.DeleteAsync("people", cancellationToken: Ct);
        var permanent = await f.Client.DeleteAsync("people", permanent: true, cancellationToken: Ct);
        var gone = await Assert.ThrowsAsync<RegistryRequestException>(async () => await f.Client.ListVersionsAsync("people", includeDeleted: true, cancellationToken: Ct));

        Assert.Equal([2], one);
        Assert.Equal([1], left);
        Assert.Equal([1], subject);
        Assert.Equal([1, 2], permanent.Order());
        Assert.Equal(StatusCode.SubjectNotFound, gone.Status);
    }

    [Fact]
    public async Task Get_and_set_config_read_and_change_the_global_and_a_subject_scope()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("people", Person, Ct);

        var global = await f.Client.GetConfigAsync(cancellationToken: Ct);
        var set = await f.Client.SetConfigAsync(new SetConfigRequest { Subject = "people", Level = CompatibilityLevel.None }, Ct);
        var own = await f.Client.GetConfigAsync("people", effective: false, cancellationToken: Ct);
        var effective = await f.Client.GetConfigAsync("people", cancellationToken: Ct);
        var nowAllowed = await f.Client.RegisterAsync("people", """{"type":"integer"}""", Ct);

        Assert.Equal(CompatibilityLevel.Backward, global.Level);
        Assert.Equal(CompatibilityLevel.None, set.Level);
        Assert.Equal((CompatibilityLevel.None, (RegistryMode?)null), (own.Level, own.Mode));
        Assert.Equal((CompatibilityLevel.None, RegistryMode.ReadWrite), (effective.Level, effective.Mode));
        Assert.Equal(2, nowAllowed.Version);
    }

    [Fact]
    public async Task Read_only_mode_refuses_registration()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.SetConfigAsync(new SetConfigRequest { Mode = RegistryMode.ReadOnly }, Ct);

        var error = await Assert.ThrowsAsync<RegistryRequestException>(async () => await f.Client.RegisterAsync("people", Person, Ct));

        Assert.Equal(StatusCode.ModeForbids, error.Status);
    }

    [Fact]
    public async Task Schema_usages_and_referenced_by_name_the_subjects_and_versions()
    {
        await using var f = await ClientFixture.StartAsync();
        var person = await f.Client.RegisterAsync("people", Person, Ct);
        await f.Client.RegisterAsync("staff", Person, Ct);
        await f.Client.RegisterAsync(new RegisterRequest
        {
            Subject = "customers",
            Schema = Utf8("""{"$ref":"person.json"}"""),
            References = [new SchemaReference("person.json", "people", 1)],
        }, Ct);

        var usages = await f.Client.ListSchemaUsagesAsync(person.SchemaId, Ct);
        var referencedBy = await f.Client.ListReferencedByAsync("people", 1, Ct);

        Assert.Equal([new SubjectVersion("people", 1), new SubjectVersion("staff", 1)], usages.OrderBy(u => u.Subject, StringComparer.Ordinal));
        Assert.Equal([new SubjectVersion("customers", 1)], referencedBy);
    }

    [Fact]
    public async Task Local_validation_compiles_the_schema_once_and_agrees_with_the_server()
    {
        await using var f = await ClientFixture.StartAsync();
        var registered = await f.Client.RegisterAsync("people", Person, Ct);

        var validator = await f.Client.GetValidatorAsync(registered.SchemaId, Ct);
        var again = await f.Client.GetValidatorAsync(registered.SchemaId, Ct);
        var good = await f.Client.ValidateLocallyAsync(registered.SchemaId, Utf8("""{"name":"Ada"}"""), cancellationToken: Ct);
        var bad = await f.Client.ValidateLocallyAsync(registered.SchemaId, Utf8("""{"name":1}"""), maxErrors: 5, cancellationToken: Ct);
        var server = await f.Client.ValidateAsync(registered.SchemaId, Utf8("""{"name":1}"""), maxErrors: 5, cancellationToken: Ct);

        Assert.Same(validator, again);
        Assert.True(good.IsValid);
        Assert.Equal(server.Outcome, bad.Outcome);
        Assert.Equal(server.Errors.Select(e => (e.InstanceLocation, e.KeywordLocation)), bad.Errors.Select(e => (e.InstanceLocation, e.KeywordLocation)));
    }

    [Fact]
    public async Task Local_validation_resolves_references_through_the_registry()
    {
        await using var f = await ClientFixture.StartAsync();
        await f.Client.RegisterAsync("people", Person, Ct);
        var customer = await f.Client.RegisterAsync(new RegisterRequest
        {
            Subject = "customers",
            Schema = Utf8("""{"$ref":"person.json"}"""),
            References = [new SchemaReference("person.json", "people", 1)],
        }, Ct);

        var good = await f.Client.ValidateLocallyAsync(customer.SchemaId, Utf8("""{"name":"Ada"}"""), cancellationToken: Ct);
        var bad = await f.Client.ValidateLocallyAsync(customer.SchemaId, Utf8("""{"name":1}"""), cancellationToken: Ct);

        Assert.True(good.IsValid);
        Assert.Equal(ValidationOutcome.Invalid, bad.Outcome);
    }
}
