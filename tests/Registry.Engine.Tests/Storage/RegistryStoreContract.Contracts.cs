using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Schemas.Compatibility;

namespace Registry.Engine.Tests.Storage;

/// <summary>Data contracts (Confluent metadata and rule sets) and contract settings kept by every store.</summary>
public abstract partial class RegistryStoreContract
{
    internal static DataContract SampleContract(string major = "1") => ContractRules.Normalize(new DataContract
    {
        Metadata = new ContractMetadata
        {
            Tags = new Dictionary<string, IReadOnlyList<string>> { ["$.ssn"] = ["PII", "GDPR"] },
            Properties = new Dictionary<string, string> { ["major"] = major, ["owner"] = "team-ä" },
            Sensitive = ["ssn"],
        },
        RuleSet = new ContractRuleSet
        {
            DomainRules =
            [
                new ContractRule
                {
                    Name = "checkSsn",
                    Doc = "ssn has 9 digits",
                    Kind = "CONDITION",
                    Mode = "WRITE",
                    Type = "CEL",
                    Tags = ["PII"],
                    Params = new Dictionary<string, string> { ["a"] = "b" },
                    Expr = "size(message.ssn) == 9",
                    OnSuccess = "NONE",
                    OnFailure = "ERROR",
                    Disabled = true,
                },
            ],
            MigrationRules = [new ContractRule { Name = "up", Mode = "UPGRADE", Type = "JSONATA", Expr = "$" }],
        },
    })!;

    [Fact]
    public async Task A_version_keeps_its_data_contract_and_a_different_contract_is_another_schema_id()
    {
        const string Schema = """{"type":"object"}""";
        var plain = SchemaIdentity.Compute("JSON", Encoding.UTF8.GetBytes(Schema), [], 64);
        var contract = SampleContract();
        var withContract = plain.WithContract(contract);
        Assert.NotEqual(Convert.ToHexString(plain.Fingerprint), Convert.ToHexString(withContract.Fingerprint));
        Assert.Equal(Convert.ToHexString(plain.Fingerprint), Convert.ToHexString(plain.WithContract(null).Fingerprint));

        var first = await AppendAsync("a", Schema);
        var second = await Store.AppendVersionAsync(Append("a", await RevisionAsync("a"), Schema) with
        {
            Fingerprint = withContract.Fingerprint,
            Metadata = new VersionMetadata { Description = "kept", Contract = contract },
        }, Ct);

        Assert.Equal(WriteOutcome.Done, second.Outcome);
        Assert.NotEqual(first.SchemaId, second.SchemaId);
        Assert.Equal(second.SchemaId, await Store.FindSchemaIdAsync(withContract.Fingerprint, Ct));
        var version = await Store.GetVersionAsync("a", 2, Ct);
        Assert.NotNull(version);
        Assert.Equal("kept", version.Metadata.Description);
        Assert.Equal(ContractJson.ToJson(contract), ContractJson.ToJson(version.Metadata.Contract!));
        var snapshot = await Store.GetSubjectAsync("a", Ct);
        Assert.Null(snapshot!.Versions[0].Metadata.Contract);
        Assert.Equal(ContractJson.ToJson(contract), ContractJson.ToJson(snapshot.Versions[1].Metadata.Contract!));
        var rule = snapshot.Versions[1].Metadata.Contract!.RuleSet!.DomainRules.Single();
        Assert.Equal(("checkSsn", "ssn has 9 digits", "CONDITION", "WRITE", "CEL", "size(message.ssn) == 9", "NONE", "ERROR", true),
            (rule.Name, rule.Doc, rule.Kind, rule.Mode, rule.Type, rule.Expr, rule.OnSuccess, rule.OnFailure, rule.Disabled));
        Assert.Equal(["PII"], rule.Tags);
        Assert.Equal("b", rule.Params["a"]);
        Assert.Equal(["GDPR", "PII"], snapshot.Versions[1].Metadata.Contract!.Metadata!.Tags["$.ssn"]);
    }

    [Fact]
    public async Task Contract_settings_are_stored_per_scope_beside_the_level()
    {
        var settings = ContractRules.Normalize(new ContractConfig
        {
            Normalize = true,
            ValidateFields = false,
            CompatibilityGroup = "major",
            DefaultMetadata = new ContractMetadata { Properties = new Dictionary<string, string> { ["owner"] = "platform" } },
            OverrideRuleSet = SampleContract().RuleSet,
        });

        await Store.SetConfigAsync("a", new ConfigRecord { Compatibility = CompatibilityLevel.Full, Contract = settings }, Ct);
        await Store.SetConfigAsync(null, new ConfigRecord { Contract = new ContractConfig { Normalize = false } }, Ct);

        var stored = await Store.GetConfigAsync("a", Ct);
        Assert.Equal(CompatibilityLevel.Full, stored.Compatibility);
        Assert.Equal(ContractJson.ToJson(settings), ContractJson.ToJson(stored.Contract!));
        Assert.False((await Store.GetConfigAsync(null, Ct)).Contract!.Normalize);

        await Store.SetConfigAsync("a", stored with { Contract = null }, Ct);
        Assert.Null((await Store.GetConfigAsync("a", Ct)).Contract);
        Assert.Equal(CompatibilityLevel.Full, (await Store.GetConfigAsync("a", Ct)).Compatibility);
    }
}
