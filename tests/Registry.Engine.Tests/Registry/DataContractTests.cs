using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Engine.Tests.Storage;
using Registry.Schemas.Compatibility;
using static Registry.Engine.Tests.Registry.EngineHarness;

namespace Registry.Engine.Tests.Registry;

/// <summary>
/// Data contracts (Confluent metadata and rule sets): part of a schema's identity, inherited from the previous version,
/// combined with the configured defaults and overrides, grouping compatibility checks, and found by metadata.
/// </summary>
public sealed class DataContractTests : IAsyncLifetime
{
    private EngineHarness _h = null!;

    private SchemaRegistry Registry => _h.Registry;

    public async ValueTask InitializeAsync() => _h = await EngineHarness.CreateAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static DataContract Properties(params (string Key, string Value)[] pairs) => new()
    {
        Metadata = new ContractMetadata { Properties = pairs.ToDictionary(p => p.Key, p => p.Value) },
    };

    private Task<RegistrationResult> RegisterAsync(string subject, string schema, DataContract? contract) =>
        _h.RegisterAsync(subject, schema, r => r with { Contract = contract });

    [Fact]
    public async Task The_same_schema_with_another_contract_is_a_new_version_with_a_new_id_and_the_same_contract_again_is_idempotent()
    {
        var v1 = await RegisterAsync("s", TestSchemas.PersonV1, Properties(("owner", "a")));
        var v2 = await RegisterAsync("s", TestSchemas.PersonV1, Properties(("owner", "b")));
        var again = await RegisterAsync("s", TestSchemas.PersonV1, Properties(("owner", "b")));
        var elsewhere = await RegisterAsync("t", TestSchemas.PersonV1, Properties(("owner", "b")));

        Assert.Equal((1, 2), (v1.Version, v2.Version));
        Assert.NotEqual(v1.SchemaId, v2.SchemaId);
        Assert.Equal((2, v2.SchemaId, false), (again.Version, again.SchemaId, again.Created));
        Assert.Equal(v2.SchemaId, elsewhere.SchemaId);
        var read = await Registry.GetVersionAsync("s", VersionSelector.Of(1), cancellationToken: Ct);
        Assert.Equal("a", read.Info.Metadata.Contract!.Property("owner"));
    }

    [Fact]
    public async Task A_registration_without_a_contract_inherits_the_previous_versions_and_finds_it_again()
    {
        var contract = RegistryStoreContract.SampleContract();
        var v1 = await RegisterAsync("s", TestSchemas.PersonV1, contract);
        var v2 = await RegisterAsync("s", TestSchemas.PersonV2, null);
        var again = await RegisterAsync("s", TestSchemas.PersonV2, null);

        Assert.Equal((2, false), (again.Version, again.Created));
        Assert.Equal(v2.SchemaId, again.SchemaId);
        var latest = await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct);
        Assert.Equal(ContractJson.ToJson(contract), ContractJson.ToJson(latest.Info.Metadata.Contract!));

        // Lookup finds the first version by its exact contract and the second through the inherited one.
        var byContract = await Registry.LookupAsync("s", new SchemaInput(Encoding.UTF8.GetBytes(TestSchemas.PersonV1)) { Contract = contract }, cancellationToken: Ct);
        var inherited = await Registry.LookupAsync("s", new SchemaInput(Encoding.UTF8.GetBytes(TestSchemas.PersonV2)), cancellationToken: Ct);
        Assert.Equal((1, v1.SchemaId), (byContract.Version, byContract.SchemaId));
        Assert.Equal(2, inherited.Version);
        var other = await Assert.ThrowsAsync<RegistryException>(() => Registry.LookupAsync("s", new SchemaInput(Encoding.UTF8.GetBytes(TestSchemas.PersonV1)) { Contract = Properties(("owner", "x")) }, cancellationToken: Ct));
        Assert.Equal(RegistryErrorCode.SchemaNotFound, other.Code);
    }

    [Fact]
    public async Task Default_metadata_applies_when_none_is_given_and_override_metadata_and_rules_are_merged_over()
    {
        var rule = new ContractRule { Name = "checkName", Kind = "CONDITION", Mode = "WRITE", Type = "CEL", Expr = "message.name != ''" };
        await Registry.SetContractSettingsAsync("s", null, new ContractConfigChange(new ContractConfig
        {
            DefaultMetadata = new ContractMetadata { Properties = new Dictionary<string, string> { ["owner"] = "platform", ["tier"] = "bronze" } },
            OverrideMetadata = new ContractMetadata { Properties = new Dictionary<string, string> { ["tier"] = "gold" } },
            OverrideRuleSet = new ContractRuleSet { DomainRules = [rule] },
        }, ContractSettings.DefaultMetadata | ContractSettings.OverrideMetadata | ContractSettings.OverrideRuleSet), Ct);

        await RegisterAsync("s", TestSchemas.PersonV1, null);
        await RegisterAsync("s", TestSchemas.PersonV2, Properties(("owner", "team"), ("tier", "silver")));

        var v1 = (await Registry.GetVersionAsync("s", VersionSelector.Of(1), cancellationToken: Ct)).Info.Metadata.Contract!;
        var v2 = (await Registry.GetVersionAsync("s", VersionSelector.Of(2), cancellationToken: Ct)).Info.Metadata.Contract!;
        Assert.Equal(("platform", "gold"), (v1.Property("owner"), v1.Property("tier")));
        Assert.Equal(("team", "gold"), (v2.Property("owner"), v2.Property("tier")));
        Assert.Equal("checkName", Assert.Single(v2.RuleSet!.DomainRules).Name);
        Assert.Null((await Registry.GetConfigAsync(null, Ct)).Contract);
    }

    [Fact]
    public async Task A_compatibility_group_checks_only_against_versions_with_the_same_value()
    {
        await Registry.SetContractSettingsAsync(null, CompatibilityLevel.Backward,
            new ContractConfigChange(new ContractConfig { CompatibilityGroup = "major" }, ContractSettings.CompatibilityGroup), Ct);

        await RegisterAsync("s", TestSchemas.PersonV1, Properties(("major", "1")));
        var breaking = await RegisterAsync("s", TestSchemas.PersonV3, Properties(("major", "2")));
        var refused = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("s", TestSchemas.PersonV3, Properties(("major", "1"))));

        Assert.Equal(2, breaking.Version);
        Assert.Equal(RegistryErrorCode.Incompatible, refused.Code);
        Assert.Equal([1], refused.ComparedVersions);
        Assert.Equal("major", (await Registry.GetEffectiveConfigAsync("s", Ct)).Contract.CompatibilityGroup);
    }

    [Fact]
    public async Task Normalize_in_the_settings_stores_the_canonical_form()
    {
        await Registry.SetContractSettingsAsync("s", null, new ContractConfigChange(new ContractConfig { Normalize = true }, ContractSettings.Normalize), Ct);

        await _h.RegisterAsync("s", """{ "type" : "object",  "title": "T" }""");
        await _h.RegisterAsync("plain", """{ "type" : "object",  "title": "U" }""");

        var normalized = await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct);
        var asGiven = await Registry.GetVersionAsync("plain", VersionSelector.Latest, cancellationToken: Ct);
        Assert.Equal("""{"title":"T","type":"object"}""", Encoding.UTF8.GetString(normalized.Schema.Content.Span));
        Assert.Equal("""{ "type" : "object",  "title": "U" }""", Encoding.UTF8.GetString(asGiven.Schema.Content.Span));
    }

    [Fact]
    public async Task Latest_with_metadata_is_the_newest_version_holding_every_pair()
    {
        await RegisterAsync("s", TestSchemas.PersonV1, Properties(("major", "1"), ("team", "a")));
        await RegisterAsync("s", TestSchemas.PersonV2, Properties(("major", "2"), ("team", "a")));
        await RegisterAsync("s", TestSchemas.PersonV2, Properties(("major", "1"), ("team", "b")));

        var pairs = new Dictionary<string, string> { ["major"] = "1" };
        Assert.Equal(3, (await Registry.GetLatestWithMetadataAsync("s", pairs, cancellationToken: Ct)).Version);
        pairs["team"] = "a";
        Assert.Equal(1, (await Registry.GetLatestWithMetadataAsync("s", pairs, cancellationToken: Ct)).Version);

        await Registry.DeleteVersionAsync("s", VersionSelector.Of(1), cancellationToken: Ct);
        var none = await Assert.ThrowsAsync<RegistryException>(() => Registry.GetLatestWithMetadataAsync("s", pairs, cancellationToken: Ct));
        Assert.Equal(RegistryErrorCode.SchemaNotFound, none.Code);
        Assert.Equal(1, (await Registry.GetLatestWithMetadataAsync("s", pairs, includeDeleted: true, cancellationToken: Ct)).Version);
        var noSubject = await Assert.ThrowsAsync<RegistryException>(() => Registry.GetLatestWithMetadataAsync("missing", pairs, cancellationToken: Ct));
        Assert.Equal(RegistryErrorCode.SubjectNotFound, noSubject.Code);
    }

    [Fact]
    public async Task Rules_confluent_refuses_and_reserved_properties_are_refused()
    {
        DataContract Rules(params ContractRule[] rules) => new() { RuleSet = new ContractRuleSet { DomainRules = rules } };

        var noType = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("s", TestSchemas.PersonV1, Rules(new ContractRule { Name = "r", Type = "" })));
        var badName = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("s", TestSchemas.PersonV1, Rules(new ContractRule { Name = "1r", Type = "CEL" })));
        var duplicate = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("s", TestSchemas.PersonV1,
            Rules(new ContractRule { Name = "r", Type = "CEL" }, new ContractRule { Name = "r", Type = "CEL" })));
        var migrationMode = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("s", TestSchemas.PersonV1, Rules(new ContractRule { Name = "r", Type = "CEL", Mode = "UPGRADE" })));
        var reserved = await Assert.ThrowsAsync<RegistryException>(() => RegisterAsync("s", TestSchemas.PersonV1, Properties(("registry.state", "DRAFT"))));

        Assert.All([noType, badName, duplicate, migrationMode], e => Assert.Equal(RegistryErrorCode.InvalidRuleSet, e.Code));
        Assert.Contains("duplicate name 'r'", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryErrorCode.InvalidRequest, reserved.Code);
        await Assert.ThrowsAsync<RegistryException>(() => Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_metadata_update_keeps_the_contract_and_defaults_fill_rule_kind_and_mode()
    {
        var contract = new DataContract { RuleSet = new ContractRuleSet { DomainRules = [new ContractRule { Name = "r", Type = "CEL", Expr = "true" }] } };
        await RegisterAsync("s", TestSchemas.PersonV1, contract);

        await Registry.UpdateMetadataAsync("s", VersionSelector.Latest, new VersionMetadata { Description = "described" }, Ct);

        var version = await Registry.GetVersionAsync("s", VersionSelector.Latest, cancellationToken: Ct);
        Assert.Equal("described", version.Info.Metadata.Description);
        var rule = Assert.Single(version.Info.Metadata.Contract!.RuleSet!.DomainRules);
        Assert.Equal(("TRANSFORM", "WRITEREAD"), (rule.Kind, rule.Mode));
    }

    [Fact]
    public async Task Contract_settings_change_member_by_member_and_clear_with_the_level()
    {
        await Registry.SetContractSettingsAsync("s", CompatibilityLevel.Full,
            new ContractConfigChange(new ContractConfig { Normalize = true, CompatibilityGroup = "major" }, ContractSettings.Normalize | ContractSettings.CompatibilityGroup), Ct);
        await Registry.SetContractSettingsAsync("s", null,
            new ContractConfigChange(new ContractConfig { ValidateFields = true }, ContractSettings.ValidateFields | ContractSettings.CompatibilityGroup), Ct);

        var stored = await Registry.GetConfigAsync("s", Ct);
        Assert.Equal(CompatibilityLevel.Full, stored.Compatibility);
        Assert.Equal((true, true, (string?)null), (stored.Contract!.Normalize, stored.Contract.ValidateFields, stored.Contract.CompatibilityGroup));

        await Registry.ClearCompatibilityAsync("s", contract: true, Ct);
        Assert.True((await Registry.GetConfigAsync("s", Ct)).IsEmpty);
    }

    [Fact]
    public async Task A_backup_restores_contracts_contract_settings_and_the_ids_they_decide()
    {
        var contract = RegistryStoreContract.SampleContract();
        var plain = await RegisterAsync("s", TestSchemas.PersonV1, null);
        var withContract = await RegisterAsync("s", TestSchemas.PersonV1, contract);
        await Registry.SetContractSettingsAsync("s", null, new ContractConfigChange(new ContractConfig { Normalize = true, CompatibilityGroup = "major" },
            ContractSettings.Normalize | ContractSettings.CompatibilityGroup), Ct);
        var backup = await BackupRestoreTests.ExportAsync(Registry);
        Assert.Contains("\"contract\":{\"metadata\"", Encoding.UTF8.GetString(backup), StringComparison.Ordinal);

        await using var target = await EngineHarness.CreateAsync();
        Assert.True((await target.Registry.ImportAsync(new MemoryStream(backup), new Services.Backup.RestoreOptions(), Ct)).Restored);

        var restored = await target.Registry.GetVersionAsync("s", VersionSelector.Of(2), cancellationToken: Ct);
        Assert.Equal(withContract.SchemaId, restored.SchemaId);
        Assert.Equal(ContractJson.ToJson(contract), ContractJson.ToJson(restored.Info.Metadata.Contract!));
        Assert.Equal("major", (await target.Registry.GetConfigAsync("s", Ct)).Contract!.CompatibilityGroup);
        var again = await target.RegisterAsync("t", TestSchemas.PersonV1, r => r with { Contract = contract });
        var againPlain = await target.RegisterAsync("u", TestSchemas.PersonV1);
        Assert.Equal((withContract.SchemaId, plain.SchemaId), (again.SchemaId, againPlain.SchemaId));
    }
}
