using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Compatibility.Comparison;
using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>Properties of the checker over generated schemas (see <see cref="SchemaGenerator"/>).</summary>
public sealed class CompatibilityPropertyTests
{
    // 300 cases per property in CI; REGISTRY_PROPERTY_CASES runs more on demand (a long hunt for a rare counterexample).
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(
        int.Parse(Environment.GetEnvironmentVariable("REGISTRY_PROPERTY_CASES") ?? "300", System.Globalization.CultureInfo.InvariantCulture));

    private static readonly CompatibilityLevel[] Levels = Enum.GetValues<CompatibilityLevel>();

    [Fact]
    public void Every_schema_is_compatible_with_itself_at_every_level()
    {
        Check.One(Quick, Prop.ForAll(SchemaGenerator.Schemas(), schema =>
        {
            foreach (var level in Levels)
            {
                var result = Compat.Check(schema, schema, level);
                Assert.True(result.IsCompatible && result.Differences.Count == 0, $"{level}: {schema}{Environment.NewLine}{Compat.Describe(result)}");
            }
        }));
    }

    [Fact]
    public void Every_schema_is_compatible_with_itself_spelled_through_a_reference()
    {
        // Moving the schema under $defs changes every location, so nothing is recognised as unchanged: the
        // comparison has to prove the inclusion both ways, keyword by keyword.
        Check.One(Quick, Prop.ForAll(SchemaGenerator.Schemas(), schema =>
        {
            var moved = $$"""{"$defs":{"moved":{{schema}}},"$ref":"#/$defs/moved"}""";
            foreach (var level in (CompatibilityLevel[])[CompatibilityLevel.Full, CompatibilityLevel.FullTransitive])
            {
                var there = Compat.Check(schema, moved, level);
                var back = Compat.Check(moved, schema, level);
                Assert.True(there.IsCompatible, $"{schema}{Environment.NewLine}{Compat.Describe(there)}");
                Assert.True(back.IsCompatible, $"{schema}{Environment.NewLine}{Compat.Describe(back)}");
            }
        }));
    }

    [Fact]
    public void Backward_of_old_and_new_equals_forward_of_new_and_old()
    {
        Check.One(Quick, Prop.ForAll(SchemaGenerator.Pairs(), pair =>
        {
            foreach (var policy in (CompatibilityPolicy[])[CompatibilityPolicy.Strict, CompatibilityPolicy.Lenient])
            {
                var backward = Compat.Check(pair.Old, pair.New, CompatibilityLevel.Backward, policy);
                var forward = Compat.Check(pair.New, pair.Old, CompatibilityLevel.Forward, policy);
                Assert.True(backward.IsCompatible == forward.IsCompatible,
                    $"{policy}: {pair}{Environment.NewLine}backward {Compat.Describe(backward)}{Environment.NewLine}forward {Compat.Describe(forward)}");
            }
        }));
    }

    [Fact]
    public void Full_is_backward_and_forward_and_transitive_is_every_version()
    {
        Check.One(Quick, Prop.ForAll(SchemaGenerator.Pairs(), pair =>
        {
            var backward = Compat.Check(pair.Old, pair.New, CompatibilityLevel.Backward).IsCompatible;
            var forward = Compat.Check(pair.Old, pair.New, CompatibilityLevel.Forward).IsCompatible;
            Assert.Equal(backward && forward, Compat.Check(pair.Old, pair.New, CompatibilityLevel.Full).IsCompatible);

            var selfBackward = Compat.Check(pair.New, pair.New, CompatibilityLevel.Backward).IsCompatible;
            Assert.Equal(backward && selfBackward, Compat.CheckAll(pair.New, CompatibilityLevel.BackwardTransitive, pair.Old, pair.New).IsCompatible);
            Assert.Equal(backward, Compat.CheckAll(pair.New, CompatibilityLevel.Backward, pair.New, pair.Old).IsCompatible);
        }));
    }

    [Fact]
    public void Every_result_suggests_major_exactly_when_incompatible_against_the_latest()
    {
        Check.One(Quick, Prop.ForAll(SchemaGenerator.Pairs(), pair =>
        {
            var result = Compat.Check(pair.Old, pair.New, CompatibilityLevel.Backward);
            Assert.Equal(!result.IsCompatible, result.SuggestedBump == VersionBump.Major);
            Assert.Equal(result.Differences.Count == 0, result.SuggestedBump == VersionBump.None);
        }));
    }

    /// <summary>
    /// Soundness against the checker's own instance matcher (an independent evaluation of instances, exact where
    /// it answers). The same property against the registry's validator is in <see cref="CompatibilityValidatorPropertyTests"/>.
    /// </summary>
    [Fact]
    public void A_compatible_verdict_never_admits_a_document_the_other_schema_rejects_by_the_reference_matcher()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(SchemaGenerator.Pairs(), pair =>
        {
            using var old = SchemaGraph.Load(Encoding.UTF8.GetBytes(pair.Old));
            using var @new = SchemaGraph.Load(Encoding.UTF8.GetBytes(pair.New));
            var matcher = new InstanceMatcher(new PatternMatcher(new WorkBudget()), new WorkBudget());
            if (Compat.Check(pair.Old, pair.New, CompatibilityLevel.Backward).IsCompatible)
            {
                AssertKept(pair, pair.Old, old.Root, @new.Root, matcher, "backward");
            }

            if (Compat.Check(pair.Old, pair.New, CompatibilityLevel.Forward).IsCompatible)
            {
                AssertKept(pair, pair.New, @new.Root, old.Root, matcher, "forward");
            }
        }));
    }

    private static void AssertKept(SchemaPair pair, string sampledFrom, SchemaModel narrower, SchemaModel wider, InstanceMatcher matcher, string direction)
    {
        foreach (var text in InstanceSampler.Samples(sampledFrom, pair.Seed, 40))
        {
            using var document = JsonDocument.Parse(text);
            if (matcher.Matches(narrower, document.RootElement) == true)
            {
                Assert.True(matcher.Matches(wider, document.RootElement) != false,
                    $"{direction} compatible, but {text} passes one schema and fails the other{Environment.NewLine}{pair}");
            }
        }
    }
}
