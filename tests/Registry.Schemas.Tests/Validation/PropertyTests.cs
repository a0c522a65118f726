using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Validation;

/// <summary>A random JSON value, kept as a tree so that a schema can be derived from it.</summary>
public abstract record JsonSample
{
    public abstract void Write(StringBuilder sb);

    /// <summary>A schema that describes exactly this value's shape and values.</summary>
    public abstract void WriteSchema(StringBuilder sb);

    public string Json()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }

    public string Schema()
    {
        var sb = new StringBuilder();
        WriteSchema(sb);
        return sb.ToString();
    }

    public override string ToString() => Json();

    internal static string Quote(string s) => JsonSerializer.Serialize(s);
}

public sealed record NullSample : JsonSample
{
    public override void Write(StringBuilder sb) => sb.Append("null");

    public override void WriteSchema(StringBuilder sb) => sb.Append("""{"type":"null"}""");
}

public sealed record BoolSample(bool Value) : JsonSample
{
    public override void Write(StringBuilder sb) => sb.Append(Value ? "true" : "false");

    public override void WriteSchema(StringBuilder sb) => sb.Append("""{"type":"boolean","const":""").Append(Value ? "true" : "false").Append('}');
}

public sealed record NumberSample(string Literal) : JsonSample
{
    public override void Write(StringBuilder sb) => sb.Append(Literal);

    public override void WriteSchema(StringBuilder sb)
        => sb.Append("""{"type":"number","minimum":""").Append(Literal).Append(""","maximum":""").Append(Literal)
             .Append(""","enum":[""").Append(Literal).Append("]}");
}

public sealed record StringSample(string Value) : JsonSample
{
    public override void Write(StringBuilder sb) => sb.Append(Quote(Value));

    public override void WriteSchema(StringBuilder sb)
    {
        var length = Value.EnumerateRunes().Count();
        sb.Append(CultureInfo.InvariantCulture, $$"""{"type":"string","minLength":{{length}},"maxLength":{{length}},"const":{{Quote(Value)}}}""");
    }
}

public sealed record ArraySample(JsonSample[] Items) : JsonSample
{
    public override void Write(StringBuilder sb)
    {
        sb.Append('[');
        for (var i = 0; i < Items.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            Items[i].Write(sb);
        }

        sb.Append(']');
    }

    public override void WriteSchema(StringBuilder sb)
    {
        sb.Append("""{"type":"array","items":false,"minItems":""").Append(Items.Length);
        if (Items.Length == 0)
        {
            sb.Append('}');
            return;
        }

        sb.Append(""","prefixItems":[""");
        for (var i = 0; i < Items.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            Items[i].WriteSchema(sb);
        }

        sb.Append("]}");
    }
}

public sealed record ObjectSample(KeyValuePair<string, JsonSample>[] Members) : JsonSample
{
    public override void Write(StringBuilder sb)
    {
        sb.Append('{');
        for (var i = 0; i < Members.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Quote(Members[i].Key)).Append(':');
            Members[i].Value.Write(sb);
        }

        sb.Append('}');
    }

    public override void WriteSchema(StringBuilder sb)
    {
        sb.Append("""{"type":"object","additionalProperties":false,"properties":{""");
        for (var i = 0; i < Members.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Quote(Members[i].Key)).Append(':');
            Members[i].Value.WriteSchema(sb);
        }

        sb.Append("},\"required\":[").Append(string.Join(',', Members.Select(m => Quote(m.Key)))).Append("]}");
    }
}

/// <summary>Generators of JSON samples: Unicode and escaped strings, big and fractional numbers, nesting.</summary>
public static class JsonSamples
{
    private static readonly string[] Strings = ["", "a", "hello", "é", "日本語", "🐲", "a\"b", "line\nbreak", "tab\t", "\u0000", "~/", "e\u0301", "🐲x🐲"];
    private static readonly string[] Keys = ["a", "b", "name", "é", "🐲", "k\"q", "", "$ref", "0"];
    private static readonly string[] Numbers =
        ["0", "-0", "1", "-1", "42", "1.5", "-2.25", "0.1", "1e3", "2E-3", "123456789012345678901234567890", "1.0", "-7.125e2", "9007199254740993"];

    private static Gen<JsonSample> Scalar() => Gen.OneOf(
        Gen.Constant<JsonSample>(new NullSample()),
        Gen.Elements(true, false).Select(b => (JsonSample)new BoolSample(b)),
        Gen.Elements(Numbers).Select(n => (JsonSample)new NumberSample(n)),
        Gen.Choose(-100_000, 100_000).Select(n => (JsonSample)new NumberSample(n.ToString(CultureInfo.InvariantCulture))),
        Gen.Elements(Strings).Select(s => (JsonSample)new StringSample(s)));

    private static Gen<JsonSample> Node(int size)
    {
        if (size <= 1)
        {
            return Scalar();
        }

        var child = Gen.Sized(_ => Node(size / 3));
        var array = Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(child, n)).Select(items => (JsonSample)new ArraySample(items));
        var member = Gen.Elements(Keys).SelectMany(k => child.Select(v => new KeyValuePair<string, JsonSample>(k, v)));
        var obj = Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(member, n))
            .Select(ms => (JsonSample)new ObjectSample(ms.DistinctBy(m => m.Key, StringComparer.Ordinal).ToArray()));
        return Gen.Frequency((2, Scalar()), (1, array), (1, obj));
    }

    public static Arbitrary<JsonSample> Samples() => Arb.From(Gen.Sized(size => Node(Math.Min(size, 40))));
}

public sealed class PropertyTests
{
    private static CompiledSchema Compile(string schema)
    {
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema));
        Assert.True(compilation.Succeeded, schema + " " + string.Join("; ", compilation.Errors.Select(e => e.SchemaLocation + " " + e.Message)));
        return compilation.Schema!;
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 300)]
    public bool A_schema_generated_from_a_document_accepts_that_document(JsonSample sample)
    {
        var schema = Compile(sample.Schema());
        var document = Encoding.UTF8.GetBytes(sample.Json());

        return schema.Evaluate(document) == ValidationOutcome.Valid && schema.Validate(document).IsValid;
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 300)]
    public bool Validation_is_deterministic(JsonSample schemaSource, JsonSample document)
    {
        var schema = Compile(schemaSource.Schema());
        var bytes = Encoding.UTF8.GetBytes(document.Json());

        var first = schema.Validate(bytes);
        var second = schema.Validate(bytes);
        return schema.Evaluate(bytes) == schema.Evaluate(bytes)
               && first.Outcome == second.Outcome
               && first.Errors.SequenceEqual(second.Errors);
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 300)]
    public bool Full_mode_finds_an_error_exactly_when_pass_fail_mode_fails(JsonSample schemaSource, JsonSample document)
    {
        var schema = Compile(schemaSource.Schema());
        var bytes = Encoding.UTF8.GetBytes(document.Json());

        var outcome = schema.Evaluate(bytes);
        var result = schema.Validate(bytes);
        return result.Outcome == outcome && (result.Errors.Count > 0) == (outcome != ValidationOutcome.Valid);
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 200)]
    public bool A_document_is_valid_against_a_schema_derived_from_another_exactly_when_they_are_equal(JsonSample a, JsonSample b)
    {
        // The derived schema pins every value, so it accepts b only when b equals a as JSON (numbers by value).
        var schema = Compile(a.Schema());
        var valid = schema.Evaluate(Encoding.UTF8.GetBytes(b.Json())) == ValidationOutcome.Valid;
        return valid == JsonEqual(a.Json(), b.Json());
    }

    private static bool JsonEqual(string a, string b)
    {
        using var x = JsonDocument.Parse(a);
        using var y = JsonDocument.Parse(b);
        return Equal(x.RootElement, y.RootElement);
    }

    private static bool Equal(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        return a.ValueKind switch
        {
            JsonValueKind.Number => decimal.TryParse(a.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var da)
                                    && decimal.TryParse(b.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var db)
                ? da == db
                : a.GetRawText() == b.GetRawText(),
            JsonValueKind.String => a.GetString() == b.GetString(),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => Equal(p.First, p.Second)),
            JsonValueKind.Object => a.EnumerateObject().Count() == b.EnumerateObject().Count()
                                    && a.EnumerateObject().All(p => b.TryGetProperty(p.Name, out var v) && Equal(p.Value, v)),
            _ => true,
        };
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 300)]
    public bool Any_json_document_used_as_a_schema_compiles_or_is_refused_without_an_exception(JsonSample schemaSource, JsonSample document)
    {
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schemaSource.Json()));
        if (!compilation.Succeeded)
        {
            return compilation.Errors.Count > 0;
        }

        var bytes = Encoding.UTF8.GetBytes(document.Json());
        return compilation.Schema!.Evaluate(bytes) != ValidationOutcome.MalformedJson;
    }

    [Property(MaxTest = 500)]
    public bool Arbitrary_bytes_are_validated_or_reported_as_malformed_without_an_exception(byte[] bytes)
    {
        var schema = Compile("""{ "type": ["object", "array", "string", "number"], "items": { "minimum": 0 } }""");

        var outcome = schema.Evaluate(bytes);
        var result = schema.Validate(bytes);
        return outcome == result.Outcome && (outcome != ValidationOutcome.MalformedJson || result.ErrorByteOffset is not null);
    }
}
