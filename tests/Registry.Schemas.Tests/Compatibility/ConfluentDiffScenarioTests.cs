using System.Text;
using System.Text.Json.Nodes;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Tests.Validation;
using Registry.Schemas.Validation;
using Registry.Testing;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>
/// The scenarios of Confluent's JSON Schema diff test cases (json-schema-provider's diff-schema-examples and
/// diff-combined-schema-examples, draft-07 and 2020-12), each written here with schemas of our own
/// (confluent-diff-scenarios.json) and Confluent's BACKWARD verdict for it. The checker (BACKWARD, STRICT, the
/// scenario's draft as the default: Confluent reads a schema without <c>$schema</c> as draft-07) must give the same
/// verdict, unless the scenario records a disagreement: then the registry's verdict is the one recorded, and it is
/// proven right, by a witness (a document valid under the old schema and not under the new one, checked here with
/// the validator) when the registry says incompatible, or by the reason given (docs/compatibility.md) when it says
/// compatible and no document tells the two schemas apart.
/// </summary>
public sealed class ConfluentDiffScenarioTests
{
    private static readonly Lazy<JsonArray> Scenarios = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "Registry.Schemas.Tests", "Compatibility", "confluent-diff-scenarios.json")))!.AsArray());

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var scenario in Scenarios.Value)
        {
            foreach (var draft in scenario!["drafts"]!.AsArray())
            {
                data.Add(draft!.GetValue<string>(), scenario["scenario"]!.GetValue<string>());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Scenario_agrees_with_confluent_or_the_recorded_disagreement_is_proven(string draft, string name)
    {
        var scenario = Scenarios.Value.Single(s => s!["scenario"]!.GetValue<string>() == name)!;
        var defaultDraft = JsonSchemaDrafts.Parse(draft) ?? throw new InvalidOperationException($"unknown draft {draft}");
        var old = scenario["old"]!.ToJsonString();
        var @new = scenario["new"]!.ToJsonString();

        var result = CompatibilityChecker.Check(Encoding.UTF8.GetBytes(@new), [Encoding.UTF8.GetBytes(old)], CompatibilityLevel.Backward,
            CompatibilityPolicy.Strict, new CompatibilityOptions { DefaultDraft = defaultDraft });

        var confluent = scenario["confluent"]!.GetValue<bool>();
        if (scenario["registry"] is not { } recorded)
        {
            Assert.True(confluent == result.IsCompatible, $"Confluent says {(confluent ? "compatible" : "incompatible")}; the registry: {Compat.Describe(result)}");
            return;
        }

        var registry = recorded.GetValue<bool>();
        Assert.NotEqual(confluent, registry);
        Assert.True(registry == result.IsCompatible, $"recorded as {(registry ? "compatible" : "incompatible")} here; the registry: {Compat.Describe(result)}");
        if (registry)
        {
            Assert.False(string.IsNullOrWhiteSpace(scenario["why"]?.GetValue<string>()), "a compatible verdict against Confluent's needs its reason");
            return;
        }

        var witness = scenario["witness"]!.ToJsonString();
        var options = new SchemaCompilerOptions { DefaultDraft = defaultDraft };
        Assert.True(TestSchemas.Compile(old, options).IsValid(witness), "the witness is valid under the old schema");
        Assert.False(TestSchemas.Compile(@new, options).IsValid(witness), "the witness is invalid under the new schema");
    }

    [Fact]
    public void Every_scenario_is_named_once_and_every_disagreement_is_in_the_documentation()
    {
        var names = Scenarios.Value.Select(s => s!["scenario"]!.GetValue<string>()).ToList();
        var documentation = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "compatibility.md"));

        Assert.True(names.Count >= 150, $"{names.Count} scenarios");
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        foreach (var disagreement in Scenarios.Value.Where(s => s!["registry"] is not null))
        {
            Assert.Contains(disagreement!["scenario"]!.GetValue<string>(), documentation, StringComparison.Ordinal);
        }
    }
}
