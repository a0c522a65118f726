using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Schemas.Compatibility;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>Compatibility configuration and modes.</summary>
public sealed class ConfigAndModeTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync() => _h = await EngineHarness.CreateAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Defaults_are_backward_strict_readwrite_and_subjects_fall_back_to_global()
    {
        Assert.Equal(new EffectiveConfig(CompatibilityLevel.Backward, CompatibilityPolicy.Strict, RegistryMode.ReadWrite), await Registry.GetEffectiveConfigAsync(cancellationToken: Ct));

        await Registry.SetCompatibilityAsync(null, CompatibilityLevel.Full, CompatibilityPolicy.Lenient, Ct);
        await Registry.SetCompatibilityAsync("s", CompatibilityLevel.None, cancellationToken: Ct);

        Assert.Equal(new EffectiveConfig(CompatibilityLevel.None, CompatibilityPolicy.Lenient, RegistryMode.ReadWrite), await Registry.GetEffectiveConfigAsync("s", Ct));
        Assert.Equal(new ConfigRecord { Compatibility = CompatibilityLevel.None }, await Registry.GetConfigAsync("s", Ct));
        Assert.Equal(CompatibilityLevel.Full, (await Registry.GetEffectiveConfigAsync("other", Ct)).Compatibility);

        await Registry.ClearCompatibilityAsync("s", Ct);
        Assert.Equal(CompatibilityLevel.Full, (await Registry.GetEffectiveConfigAsync("s", Ct)).Compatibility);
    }

    [Fact]
    public async Task Readonly_refuses_registration_state_changes_and_deletes_but_serves_reads()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1);
        await Registry.SetModeAsync("s", RegistryMode.ReadOnly, cancellationToken: Ct);

        var register = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("s", TestSchemas.PersonV2));
        var state = await Assert.ThrowsAsync<RegistryException>(() => Registry.ChangeStateAsync("s", VersionSelector.Latest, LifecycleState.Deprecated, cancellationToken: Ct));
        var delete = await Assert.ThrowsAsync<RegistryException>(() => Registry.DeleteSubjectAsync("s", cancellationToken: Ct));

        Assert.All([register, state, delete], e => Assert.Equal(RegistryErrorCode.OperationNotPermitted, e.Code));
        Assert.Equal(1, (await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct)).Version);
        Assert.Equal(1, (await _h.RegisterAsync("other", TestSchemas.PersonV2)).Version);

        await Registry.ClearModeAsync("s", Ct);
        Assert.Equal(2, (await _h.RegisterAsync("s", TestSchemas.PersonV2)).Version);
    }

    [Fact]
    public async Task Import_mode_takes_explicit_ids_and_versions_and_skips_compatibility()
    {
        await Registry.SetModeAsync(null, RegistryMode.Import, cancellationToken: Ct);

        var imported = await _h.RegisterAsync("s", TestSchemas.PersonV1, r => r with { Id = 40, Version = 3 });
        var incompatible = await _h.RegisterAsync("s", TestSchemas.PersonV3, r => r with { Id = 41, Version = 7 });
        var conflict = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("t", TestSchemas.PersonV2, r => r with { Id = 40 }));
        await Registry.SetModeAsync(null, RegistryMode.ReadWrite, cancellationToken: Ct);
        var next = await _h.RegisterAsync("other", TestSchemas.Titled("after import"));

        Assert.Equal((40L, 3), (imported.SchemaId, imported.Version));
        Assert.Equal((41L, 7), (incompatible.SchemaId, incompatible.Version));
        Assert.Equal(RegistryErrorCode.IdConflict, conflict.Code);
        Assert.Equal(42, next.SchemaId);
    }

    [Fact]
    public async Task Explicit_ids_outside_import_mode_are_refused()
    {
        var e = await Assert.ThrowsAsync<RegistryException>(() => _h.RegisterAsync("s", TestSchemas.PersonV1, r => r with { Id = 5 }));

        Assert.Equal(RegistryErrorCode.OperationNotPermitted, e.Code);
    }

    [Fact]
    public async Task Import_mode_on_a_non_empty_scope_needs_force()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1);

        var global = await Assert.ThrowsAsync<RegistryException>(() => Registry.SetModeAsync(null, RegistryMode.Import, cancellationToken: Ct));
        var subject = await Assert.ThrowsAsync<RegistryException>(() => Registry.SetModeAsync("s", RegistryMode.Import, cancellationToken: Ct));

        Assert.Equal(RegistryErrorCode.OperationNotPermitted, global.Code);
        Assert.Equal(RegistryErrorCode.OperationNotPermitted, subject.Code);
        Assert.Equal(RegistryMode.Import, await Registry.SetModeAsync("empty", RegistryMode.Import, cancellationToken: Ct));
        Assert.Equal(RegistryMode.Import, await Registry.SetModeAsync("s", RegistryMode.Import, force: true, Ct));
        Assert.Equal(RegistryMode.Import, (await Registry.GetEffectiveConfigAsync("s", Ct)).Mode);
    }

    [Fact]
    public async Task Configuration_of_a_hard_deleted_subject_is_removed()
    {
        await _h.RegisterAsync("s", TestSchemas.PersonV1);
        await Registry.SetCompatibilityAsync("s", CompatibilityLevel.None, cancellationToken: Ct);
        await Registry.DeleteSubjectAsync("s", cancellationToken: Ct);
        await Registry.DeleteSubjectAsync("s", permanent: true, Ct);

        Assert.Equal(ConfigRecord.Empty, await Registry.GetConfigAsync("s", Ct));
    }
}
