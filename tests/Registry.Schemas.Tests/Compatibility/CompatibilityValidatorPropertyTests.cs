using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>The checker's verdicts against the registry's validator: the property that matters to users.</summary>
public sealed class CompatibilityValidatorPropertyTests
{
    [Fact]
    public void A_compatible_verdict_is_never_given_when_a_document_valid_under_the_old_schema_is_invalid_under_the_new_one()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(SchemaGenerator.Pairs(), pair =>
        {
            if (Compat.Check(pair.Old, pair.New, CompatibilityLevel.Backward).IsCompatible)
            {
                AssertKept(pair, pair.Old, pair.New, "backward");
            }

            if (Compat.Check(pair.Old, pair.New, CompatibilityLevel.Forward).IsCompatible)
            {
                AssertKept(pair, pair.New, pair.Old, "forward");
            }
        }));
    }

    private static void AssertKept(SchemaPair pair, string narrower, string wider, string direction)
    {
        var narrowerSchema = Compile(narrower);
        var widerSchema = Compile(wider);
        foreach (var text in InstanceSampler.Samples(narrower, pair.Seed, 40))
        {
            var document = Encoding.UTF8.GetBytes(text);
            if (narrowerSchema.Evaluate(document) == ValidationOutcome.Valid)
            {
                Assert.True(widerSchema.Evaluate(document) == ValidationOutcome.Valid,
                    $"{direction} compatible, but {text} is valid under one schema and invalid under the other{Environment.NewLine}{pair}");
            }
        }
    }

    private static CompiledSchema Compile(string schema)
    {
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema));
        Assert.True(compilation.Succeeded, $"{schema}: {string.Join("; ", compilation.Errors)}");
        return compilation.Schema!;
    }
}
