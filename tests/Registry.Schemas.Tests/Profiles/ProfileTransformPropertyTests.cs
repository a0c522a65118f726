using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Registry.Schemas.Profiles;
using Registry.Schemas.Tests.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Profiles;

/// <summary>
/// Properties of the transformer over generated schemas (the compatibility tests' generator): it finishes, it is
/// deterministic, its output passes its own profile's lint (except what cannot be fixed without changing the
/// documents' shape), and the output mapping is exact: a document in the transformed shape validates through the
/// mapping exactly when the document validates under the original.
/// </summary>
public sealed class ProfileTransformPropertyTests
{
    /// <summary>Violations a transform cannot remove without changing what documents look like (or a limit the input already breaks).</summary>
    private static readonly HashSet<string> Unfixable = new(StringComparer.Ordinal)
    {
        ViolationNames.RootNotObject, ViolationNames.RootAnyOf, ViolationNames.NestingTooDeep, ViolationNames.TooManyProperties,
        ViolationNames.StringBudgetExceeded, ViolationNames.EnumTooLarge, ViolationNames.EnumStringTooLong, ViolationNames.TooManyOptionalParameters,
        ViolationNames.TooManyUnionParameters, ViolationNames.ArrayLengthBudgetExceeded, ViolationNames.PropertyNameInvalid,
        ViolationNames.RequiredPropertyUndeclared,
    };

    private static Arbitrary<(string Schema, int Seed)> ObjectRootedSchemas()
        => Arb.From(Gen.Choose(0, int.MaxValue).Select(seed =>
        {
            var random = new Random(seed);
            var properties = new JsonObject();
            var required = new JsonArray();
            foreach (var name in (string[])["a", "b", "c"])
            {
                properties[name] = SchemaGenerator.Schema(random, 3);
                if (random.Next(2) == 0)
                {
                    required.Add((JsonNode)JsonValue.Create(name));
                }
            }

            var root = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
            return (root.ToJsonString(), seed);
        }));

    private static Arbitrary<(string Schema, int Seed)> AnySchemas()
        => Arb.From(Gen.Choose(0, int.MaxValue).Select(seed => (SchemaGenerator.Schema(new Random(seed), 3).ToJsonString(), seed)));

    [Fact]
    public void For_every_profile_the_output_of_an_object_rooted_schema_passes_its_own_lint()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(ObjectRootedSchemas(), input =>
        {
            foreach (var profile in ProviderProfiles.All)
            {
                var result = TestProfiles.Transform(Encoding.UTF8.GetBytes(input.Schema), profile);
                Assert.True(result.Status == LintStatus.Completed, $"{profile.Name}: {result.Error}{Environment.NewLine}{input.Schema}");
                var remaining = result.OutputLint!.Violations.Where(v => !Unfixable.Contains(v.Name)).ToList();
                Assert.True(remaining.Count == 0,
                    $"{profile.Name}: {string.Join("; ", remaining)}{Environment.NewLine}in:  {input.Schema}{Environment.NewLine}out: {Encoding.UTF8.GetString(result.Schema!)}");
            }
        }));
    }

    [Fact]
    public void For_every_profile_any_generated_schema_transforms_deterministically_into_a_valid_schema_with_only_unfixable_violations_left()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(AnySchemas(), input =>
        {
            foreach (var profile in ProviderProfiles.All)
            {
                var first = TestProfiles.Transform(Encoding.UTF8.GetBytes(input.Schema), profile);
                var second = TestProfiles.Transform(Encoding.UTF8.GetBytes(input.Schema), profile);
                Assert.True(first.Status == LintStatus.Completed, $"{profile.Name}: {first.Error}{Environment.NewLine}{input.Schema}");
                Assert.Equal(first.Schema, second.Schema);
                var remaining = first.OutputLint!.Violations.Where(v => !Unfixable.Contains(v.Name)).ToList();
                Assert.True(remaining.Count == 0,
                    $"{profile.Name}: {string.Join("; ", remaining)}{Environment.NewLine}in:  {input.Schema}{Environment.NewLine}out: {Encoding.UTF8.GetString(first.Schema!)}");
                var compilation = SchemaCompiler.Compile(first.Schema);
                Assert.True(compilation.Succeeded, $"{profile.Name}: {string.Join("; ", compilation.Errors)}{Environment.NewLine}{Encoding.UTF8.GetString(first.Schema!)}");
            }
        }));
    }

    [Fact]
    public void A_document_in_the_transformed_shape_validates_through_the_mapping_exactly_when_it_validates_under_the_original()
    {
        var tested = 0;
        var valid = 0;
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), Prop.ForAll(ObjectRootedSchemas(), input =>
        {
            var original = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(input.Schema));
            if (!original.Succeeded)
            {
                return;
            }

            var mapper = TestProfiles.Mapper(Encoding.UTF8.GetBytes(input.Schema), ProviderProfiles.OpenAiStrict);
            foreach (var text in InstanceSampler.Samples(input.Schema, input.Seed, 30))
            {
                var document = Encoding.UTF8.GetBytes(text);
                if (!mapper.TryToProfileShape(document, out var shaped))
                {
                    continue; // an explicit null for an optional property: not representable in the transformed shape
                }

                tested++;
                var expected = original.Schema!.Evaluate(document);
                valid += expected == ValidationOutcome.Valid ? 1 : 0;
                Assert.True(mapper.TryToOriginalShape(shaped, out var mapped));
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(document), JsonNode.Parse(mapped)),
                    $"{text} became {Encoding.UTF8.GetString(shaped)} and came back as {Encoding.UTF8.GetString(mapped)}{Environment.NewLine}{input.Schema}");
                Assert.Equal(expected, mapper.Evaluate(original.Schema!, shaped));
            }
        }));

        Assert.True(tested > 2000, $"only {tested} documents were representable");
        Assert.True(valid > 200, $"only {valid} documents were valid under the original");
    }

    [Fact]
    public void A_valid_document_with_every_optional_property_present_fits_the_transformed_openai_schema_after_encoding()
    {
        // For closed, required-only shapes the transformed schema must accept what the original accepts (it only adds null).
        const string Schema = """
            {"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer","minimum":0},"c":{"type":"object","properties":{"d":{"type":"boolean"}},"additionalProperties":false}},
             "required":["a"],"additionalProperties":false}
            """;
        var transformed = TestProfiles.Transform(Encoding.UTF8.GetBytes(Schema), ProviderProfiles.OpenAiStrict);
        var compiled = SchemaCompiler.Compile(transformed.Schema).Schema!;
        var mapper = TestProfiles.Mapper(Encoding.UTF8.GetBytes(Schema), ProviderProfiles.OpenAiStrict);

        foreach (var document in (string[])["""{"a":"x"}""", """{"a":"x","b":3}""", """{"a":"x","c":{}}""", """{"a":"x","b":0,"c":{"d":true}}"""])
        {
            Assert.True(mapper.TryToProfileShape(Encoding.UTF8.GetBytes(document), out var shaped));
            Assert.Equal(ValidationOutcome.Valid, compiled.Evaluate(shaped));
        }
    }
}
