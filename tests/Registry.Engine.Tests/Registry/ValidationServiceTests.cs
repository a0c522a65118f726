using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Schemas.Validation;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>Validation of documents by id and by version, with lifecycle rules and the validator cache.</summary>
public sealed class ValidationServiceTests : IAsyncLifetime
{
    private static readonly ReadOnlyMemory<byte> Valid = Encoding.UTF8.GetBytes("""{"name":"Ada"}""");
    private static readonly ReadOnlyMemory<byte> Invalid = Encoding.UTF8.GetBytes("""{"name":42,"extra":true}""");

    private EngineHarness _h = null!;
    private long _id;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync()
    {
        _h = await EngineHarness.CreateAsync();
        _id = (await _h.RegisterAsync("people", TestSchemas.PersonV1)).SchemaId;
    }

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Documents_validate_by_id_and_by_version_with_errors()
    {
        var byId = await Registry.ValidateAsync(ValidationTarget.ById(_id), Valid, Ct);
        var byVersion = await Registry.ValidateAsync(ValidationTarget.ByVersion("people", VersionSelector.Latest), Invalid, Ct);

        Assert.True(byId.Results[0].IsValid);
        Assert.Null(byId.Warning);
        Assert.Equal(ValidationOutcome.Invalid, byVersion.Results[0].Outcome);
        Assert.NotEmpty(byVersion.Results[0].Errors);
        Assert.Equal(("people", 1, _id), (byVersion.Subject, byVersion.Version, byVersion.SchemaId));
    }

    [Fact]
    public async Task A_batch_gets_one_result_per_document_in_order()
    {
        var batch = await Registry.ValidateBatchAsync(ValidationTarget.ById(_id), [Valid, Invalid, Encoding.UTF8.GetBytes("{"), Valid], Ct);

        Assert.Equal([ValidationOutcome.Valid, ValidationOutcome.Invalid, ValidationOutcome.MalformedJson, ValidationOutcome.Valid], batch.Results.Select(r => r.Outcome));
    }

    [Fact]
    public async Task A_batch_over_the_limit_is_refused()
    {
        await using var small = await EngineHarness.CreateAsync(new RegistryEngineOptions { MaxBatchDocuments = 2 });
        var id = (await small.RegisterAsync("people", TestSchemas.PersonV1)).SchemaId;

        var e = await Assert.ThrowsAsync<RegistryException>(() => small.Registry.ValidateBatchAsync(ValidationTarget.ById(id), [Valid, Valid, Valid], Ct));

        Assert.Equal(RegistryErrorCode.TooLarge, e.Code);
    }

    [Fact]
    public async Task Deprecated_versions_validate_with_a_warning_and_archived_ones_are_refused()
    {
        await Registry.ChangeStateAsync("people", VersionSelector.Of(1), LifecycleState.Deprecated, new Deprecation { Reason = "old", Replacement = "people:2" }, Ct);

        var byVersion = await Registry.ValidateAsync(ValidationTarget.ByVersion("people", VersionSelector.Of(1)), Valid, Ct);
        var byId = await Registry.ValidateAsync(ValidationTarget.ById(_id), Valid, Ct);
        await Registry.ChangeStateAsync("people", VersionSelector.Of(1), LifecycleState.Archived, cancellationToken: Ct);
        var archivedVersion = await Assert.ThrowsAsync<RegistryException>(() => Registry.ValidateAsync(ValidationTarget.ByVersion("people", VersionSelector.Of(1)), Valid, Ct));
        var archivedId = await Assert.ThrowsAsync<RegistryException>(() => Registry.ValidateAsync(ValidationTarget.ById(_id), Valid, Ct));

        Assert.True(byVersion.Results[0].IsValid);
        Assert.Contains("DEPRECATED: old", byVersion.Warning, StringComparison.Ordinal);
        Assert.Contains("people:2", byVersion.Warning, StringComparison.Ordinal);
        Assert.NotNull(byId.Warning);
        Assert.Equal(RegistryErrorCode.VersionArchived, archivedVersion.Code);
        Assert.Equal(RegistryErrorCode.VersionArchived, archivedId.Code);
    }

    [Fact]
    public async Task An_id_used_by_an_active_version_anywhere_validates_without_warning()
    {
        await _h.RegisterAsync("copy", TestSchemas.PersonV1);
        await Registry.ChangeStateAsync("people", VersionSelector.Of(1), LifecycleState.Deprecated, cancellationToken: Ct);
        await Registry.ChangeStateAsync("people", VersionSelector.Of(1), LifecycleState.Archived, cancellationToken: Ct);

        var result = await Registry.ValidateAsync(ValidationTarget.ById(_id), Valid, Ct);

        Assert.True(result.Results[0].IsValid);
        Assert.Null(result.Warning);
    }

    [Fact]
    public async Task The_compiled_validator_is_cached_and_served_synchronously_once_warm()
    {
        var first = await Registry.GetValidatorAsync(_id, Ct);

        var warm = Registry.GetValidatorAsync(_id, Ct);

        Assert.True(warm.IsCompletedSuccessfully);
        var lease = await warm;
        Assert.Same(first.Schema, lease.Schema);
        Assert.Equal(ValidationOutcome.Valid, lease.Schema.Evaluate(Valid.Span));
    }

    [Fact]
    public async Task Warm_get_by_id_and_validate_by_id_allocate_nothing()
    {
        await Registry.GetValidatorAsync(_id, Ct);
        await Registry.GetSchemaAsync(_id, Ct);
        var document = Valid.ToArray();
        var good = 0;
        for (var i = 0; i < 20; i++)
        {
            good += Run(); // JIT and first-call paths out of the way
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            good += Run();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(120, good);

        // No assertion inside: the assertion library allocates.
        int Run()
        {
            var lease = Registry.GetValidatorAsync(_id, Ct);
            var schema = Registry.GetSchemaAsync(_id, Ct);
            return lease.IsCompletedSuccessfully && schema.IsCompletedSuccessfully
                && lease.Result.Schema.Evaluate(document) == ValidationOutcome.Valid && schema.Result.Id == _id ? 1 : 0;
        }
    }

    [Fact]
    public async Task A_warm_validator_sees_a_local_state_change_at_once()
    {
        await Registry.GetValidatorAsync(_id, Ct);
        await Registry.ChangeStateAsync("people", VersionSelector.Of(1), LifecycleState.Deprecated, cancellationToken: Ct);

        var lease = await Registry.GetValidatorAsync(_id, Ct);

        Assert.NotNull(lease.Warning);
    }

    [Fact]
    public async Task A_state_change_by_another_process_is_seen_after_the_refresh_interval()
    {
        await using var fast = await EngineHarness.CreateAsync(new RegistryEngineOptions { UsageRefreshInterval = TimeSpan.Zero });
        var id = (await fast.RegisterAsync("people", TestSchemas.PersonV1)).SchemaId;
        await fast.Registry.GetValidatorAsync(id, Ct);
        var other = await fast.OpenAsync();

        await other.ChangeStateAsync("people", VersionSelector.Of(1), LifecycleState.Deprecated, cancellationToken: Ct);

        Assert.NotNull((await fast.Registry.GetValidatorAsync(id, Ct)).Warning);
    }

    [Fact]
    public async Task A_document_over_the_size_limit_is_refused_before_validation()
    {
        await using var small = await EngineHarness.CreateAsync(new RegistryEngineOptions { Limits = new SchemaLimits { MaxDocumentBytes = 8 } });
        var id = (await small.RegisterAsync("people", TestSchemas.PersonV1)).SchemaId;

        var result = await small.Registry.ValidateAsync(ValidationTarget.ById(id), Valid, Ct);

        Assert.Equal(ValidationOutcome.LimitExceeded, result.Results[0].Outcome);
    }
}
