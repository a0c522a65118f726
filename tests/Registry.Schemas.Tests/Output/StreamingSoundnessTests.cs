using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Registry.Schemas.Output;
using Registry.Schemas.Tests.Compatibility;
using Registry.Schemas.Tests.Validation;
using Registry.Schemas.Validation;
using Registry.Testing;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Output;

/// <summary>
/// Soundness of partial validation: no prefix of a valid document is ever reported (the generated schemas pin every
/// value, so the property is as strict as it can be), a reported violation always means the validator rejects the
/// complete document, and definite violations are reported no later than the byte that makes them definite.
/// </summary>
public sealed class StreamingSoundnessTests
{
    private static StreamingValidationSession Feed(CompiledSchema schema, byte[] document, int[]? chunks = null)
    {
        var session = new StreamingValidationSession(schema);
        if (chunks is null)
        {
            foreach (var b in document)
            {
                session.Feed([b]);
            }

            return session;
        }

        var at = 0;
        var i = 0;
        while (at < document.Length)
        {
            var n = Math.Min(document.Length - at, Math.Max(1, chunks[i++ % chunks.Length]));
            session.Feed(document.AsSpan(at, n));
            at += n;
        }

        return session;
    }

    private static int CommonPrefix(byte[] a, byte[] b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 400)]
    public bool No_prefix_of_a_valid_document_is_reported(JsonSample sample)
    {
        var schema = TestSchemas.Compile(sample.Schema());
        var document = Encoding.UTF8.GetBytes(sample.Json());

        var session = new StreamingValidationSession(schema);
        foreach (var b in document)
        {
            if (!session.Feed([b]).CanStillBeValid)
            {
                return false;
            }
        }

        return session.Violations.Count == 0 && session.Complete().IsValid;
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 200)]
    public bool No_prefix_of_an_indented_valid_document_is_reported(JsonSample sample)
    {
        var schema = TestSchemas.Compile(sample.Schema());
        var indented = JsonNode.Parse(sample.Json())?.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) ?? "null";

        var session = Feed(schema, Encoding.UTF8.GetBytes(indented));

        return session.Violations.Count == 0 && session.Complete().IsValid;
    }

    /// <summary>
    /// Any document against a schema that pins another: nothing may be reported inside the common prefix of the two
    /// serialisations (that prefix is a prefix of a valid document), and a reported violation means an invalid document.
    /// </summary>
    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 400)]
    public bool Violations_are_never_reported_on_a_prefix_of_a_valid_document_and_always_mean_invalid(JsonSample a, JsonSample b)
    {
        var schema = TestSchemas.Compile(a.Schema());
        var valid = Encoding.UTF8.GetBytes(a.Json());
        var document = Encoding.UTF8.GetBytes(b.Json());
        var common = CommonPrefix(valid, document);

        var session = Feed(schema, document);
        var final = session.Complete();

        foreach (var v in session.Violations)
        {
            if (v.ByteOffset < common)
            {
                return false;
            }
        }

        return session.Violations.Count == 0 || !final.IsValid;
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 200)]
    public bool Violations_do_not_depend_on_how_the_document_is_split(JsonSample a, JsonSample b, int[] chunks)
    {
        var schema = TestSchemas.Compile(a.Schema());
        var document = Encoding.UTF8.GetBytes(b.Json());

        var one = Feed(schema, document);
        var many = Feed(schema, document, chunks.Length == 0 ? [1] : chunks.Select(c => (Math.Abs(c) % 7) + 1).ToArray());

        return one.Violations.Select(v => (v.ByteOffset, v.InstanceLocation, v.KeywordLocation)).SequenceEqual(
            many.Violations.Select(v => (v.ByteOffset, v.InstanceLocation, v.KeywordLocation)));
    }

    [Property(MaxTest = 300)]
    public void Valid_documents_of_random_schemas_are_never_reported(int seed)
    {
        var (schemaText, document) = SchemaShapes.Create(seed);
        var schema = TestSchemas.Compile(schemaText);
        var random = new Random(seed);
        for (var i = 0; i < 5; i++)
        {
            var doc = document(random);
            Assert.True(schema.Validate(Encoding.UTF8.GetBytes(doc)).IsValid, $"generator: {doc} is not valid against {schemaText}");
            var session = Feed(schema, Encoding.UTF8.GetBytes(doc));
            Assert.True(session.Violations.Count == 0, $"{doc} against {schemaText}: {string.Join("; ", session.Violations.Select(v => v.Message))}");
            Assert.True(session.Complete().IsValid);
        }
    }

    [Property(MaxTest = 300)]
    public bool Documents_of_other_schemas_are_reported_only_when_invalid(int seed, int other)
    {
        var (schemaText, _) = SchemaShapes.Create(seed);
        var (_, document) = SchemaShapes.Create(other);
        var schema = TestSchemas.Compile(schemaText);
        var doc = Encoding.UTF8.GetBytes(document(new Random(other)));

        var session = Feed(schema, doc);
        var final = session.Complete();

        return session.Violations.Count == 0 || !final.IsValid;
    }

    public enum Mutation
    {
        WrongKind,
        ChangedString,
        ExtraItem,
        ExtraMember,
        MissingLastMember,
        Garbage,
    }

    public static class Mutations
    {
        public static Arbitrary<(JsonSample, Mutation, int)> Cases() => Arb.From(
            from sample in JsonSamples.Samples().Generator
            from mutation in Gen.Elements(Enum.GetValues<Mutation>())
            from seed in Gen.Choose(0, int.MaxValue)
            select (sample, mutation, seed));
    }

    /// <summary>
    /// A valid document changed so that it has a definite violation at a known byte (the first byte of a value of the
    /// wrong kind, the first byte of a string no allowed value starts with, the comma of an item too many, the first byte
    /// of a name no closed object allows, the brace closing an object without a required member, a stray byte): the
    /// violation is reported at that byte or before, and never inside the prefix shared with the valid document.
    /// </summary>
    [Property(Arbitrary = [typeof(Mutations)], MaxTest = 600)]
    public void A_definite_violation_is_reported_no_later_than_the_byte_that_makes_it_definite((JsonSample, Mutation, int) input)
    {
        var (sample, mutation, seed) = input;
        var random = new Random(seed);
        var valid = sample.Json();
        var mutated = Mutate(sample, mutation, random);
        if (mutated is null)
        {
            return; // this sample has no place for this mutation
        }

        var document = mutated.Json();
        if (mutation == Mutation.Garbage)
        {
            document = InsertGarbage(valid, random);
        }

        var validBytes = Encoding.UTF8.GetBytes(valid);
        var bytes = Encoding.UTF8.GetBytes(document);
        var definite = CommonPrefix(validBytes, bytes);
        if (mutation == Mutation.ChangedString)
        {
            definite = EndOfEscape(bytes, definite);
        }

        var schema = TestSchemas.Compile(sample.Schema());
        var session = Feed(schema, bytes);
        session.Complete();

        Assert.True(session.Violations.Count > 0, $"{mutation}: nothing reported for {document} against {valid}");
        Assert.All(session.Violations, v => Assert.True(v.ByteOffset >= CommonPrefix(validBytes, bytes), $"{v.Message} at {v.ByteOffset} inside the valid prefix of {document}"));
        var first = session.Violations.Min(v => v.ByteOffset);
        Assert.True(first <= definite, $"{mutation}: first violation at {first}, definite at {definite}, in {document} (valid: {valid}): {session.Violations[0].Message}");
    }

    /// <summary>An escape sequence is decoded whole: a difference inside one is known at its last byte.</summary>
    private static int EndOfEscape(byte[] bytes, int at)
    {
        for (var start = Math.Max(0, at - 11); start <= at; start++)
        {
            if (bytes[start] != (byte)'\\' || (start > 0 && bytes[start - 1] == (byte)'\\' && (start < 2 || bytes[start - 2] != (byte)'\\')))
            {
                continue;
            }

            var length = start + 1 < bytes.Length && bytes[start + 1] == (byte)'u' ? 6 : 2;
            if (length == 6 && start + 11 < bytes.Length && bytes[start + 6] == (byte)'\\' && bytes[start + 7] == (byte)'u'
                && bytes[start + 2] is (byte)'d' or (byte)'D' && bytes[start + 3] is >= (byte)'8' and <= (byte)'b' or >= (byte)'8' and <= (byte)'B')
            {
                length = 12;
            }

            if (at < start + length)
            {
                return start + length - 1;
            }
        }

        return at;
    }

    private static string InsertGarbage(string json, Random random)
    {
        // A position outside strings: '@' is never JSON there.
        var outside = new List<int>();
        var inString = false;
        for (var i = 0; i <= json.Length; i++)
        {
            if (!inString)
            {
                outside.Add(i);
            }

            if (i < json.Length && json[i] == '"' && (i == 0 || json[i - 1] != '\\' || (i > 1 && json[i - 2] == '\\')))
            {
                inString = !inString;
            }
        }

        var at = outside[random.Next(outside.Count)];
        return json[..at] + "@" + json[at..];
    }

    /// <summary>Applies the mutation at a random suitable node; null when the sample has none.</summary>
    private static JsonSample? Mutate(JsonSample sample, Mutation mutation, Random random)
    {
        var candidates = new List<int>();
        var index = 0;
        Collect(sample, mutation, candidates, ref index);
        if (mutation == Mutation.Garbage)
        {
            return sample;
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        var target = candidates[random.Next(candidates.Count)];
        index = 0;
        return Rebuild(sample, mutation, target, random, ref index);
    }

    private static bool Suits(JsonSample node, Mutation mutation) => mutation switch
    {
        Mutation.WrongKind => true,
        Mutation.ChangedString => node is StringSample,
        Mutation.ExtraItem => node is ArraySample,
        Mutation.ExtraMember => node is ObjectSample,
        Mutation.MissingLastMember => node is ObjectSample { Members.Length: > 0 },
        _ => false,
    };

    private static void Collect(JsonSample node, Mutation mutation, List<int> found, ref int index)
    {
        if (Suits(node, mutation))
        {
            found.Add(index);
        }

        index++;
        switch (node)
        {
            case ArraySample array:
                foreach (var item in array.Items)
                {
                    Collect(item, mutation, found, ref index);
                }

                break;
            case ObjectSample obj:
                foreach (var member in obj.Members)
                {
                    Collect(member.Value, mutation, found, ref index);
                }

                break;
        }
    }

    private static JsonSample Rebuild(JsonSample node, Mutation mutation, int target, Random random, ref int index)
    {
        if (index++ == target)
        {
            return Apply(node, mutation, random);
        }

        switch (node)
        {
            case ArraySample array:
            {
                var items = new JsonSample[array.Items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = Rebuild(array.Items[i], mutation, target, random, ref index);
                }

                return new ArraySample(items);
            }

            case ObjectSample obj:
            {
                var members = new KeyValuePair<string, JsonSample>[obj.Members.Length];
                for (var i = 0; i < members.Length; i++)
                {
                    members[i] = new(obj.Members[i].Key, Rebuild(obj.Members[i].Value, mutation, target, random, ref index));
                }

                return new ObjectSample(members);
            }

            default:
                return node;
        }
    }

    private static JsonSample Apply(JsonSample node, Mutation mutation, Random random)
    {
        switch (mutation)
        {
            case Mutation.WrongKind:
            {
                JsonSample[] others = [new NullSample(), new BoolSample(true), new NumberSample("7"), new StringSample("s"), new ArraySample([]), new ObjectSample([])];
                var kind = KindOf(node);
                var choices = others.Where(o => KindOf(o) != kind).ToArray();
                return choices[random.Next(choices.Length)];
            }

            case Mutation.ChangedString:
            {
                var value = ((StringSample)node).Value;
                var edits = new[]
                {
                    value + "z",
                    value.Length > 0 ? value[..^1] : "q",
                    value.Length > 0 ? "Q" + value[1..] : "Q",
                    value.Length > 1 ? value[..(value.Length / 2)] + "\u00e8" + value[(value.Length / 2)..] : "\u00e8",
                };
                var changed = edits[random.Next(edits.Length)];
                return changed == value ? new StringSample(value + "!") : new StringSample(changed);
            }

            case Mutation.ExtraItem:
                return new ArraySample([.. ((ArraySample)node).Items, new NumberSample("1")]);
            case Mutation.ExtraMember:
                return new ObjectSample([new("zz", new NumberSample("1")), .. ((ObjectSample)node).Members]);
            default:
                return new ObjectSample(((ObjectSample)node).Members[..^1]);
        }
    }

    private static int KindOf(JsonSample sample) => sample switch
    {
        NullSample => 0,
        BoolSample => 1,
        NumberSample => 2,
        StringSample => 3,
        ArraySample => 4,
        _ => 5,
    };

    public static TheoryData<string> Drafts() => new("draft4", "draft6", "draft7", "draft2019-09", "draft2020-12");

    /// <summary>
    /// Every test of the official JSON-Schema-Test-Suite, fed one byte at a time: a valid instance is never reported
    /// (nor any of its prefixes), and a reported instance is one the validator rejects.
    /// </summary>
    [Theory]
    [MemberData(nameof(Drafts))]
    public void Every_suite_instance_is_streamed_soundly(string draft)
    {
        var dialect = draft switch
        {
            "draft4" => "http://json-schema.org/draft-04/schema#",
            "draft6" => "http://json-schema.org/draft-06/schema#",
            "draft7" => "http://json-schema.org/draft-07/schema#",
            "draft2019-09" => "https://json-schema.org/draft/2019-09/schema",
            _ => "https://json-schema.org/draft/2020-12/schema",
        };
        var options = new SchemaCompilerOptions { Resolver = SharedSchemas.Instance };
        var failures = new List<string>();
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.SharedPath("json-schema-test-suite", "tests", draft), "*.json", SearchOption.AllDirectories))
        {
            foreach (var group in JsonNode.Parse(File.ReadAllText(file))!.AsArray())
            {
                var schemaNode = group!["schema"]!.DeepClone();
                if (schemaNode is JsonObject obj && !obj.ContainsKey("$schema"))
                {
                    obj["$schema"] = dialect;
                }

                var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schemaNode.ToJsonString()), options);
                if (!compilation.Succeeded)
                {
                    continue;
                }

                foreach (var test in group["tests"]!.AsArray())
                {
                    var instance = Encoding.UTF8.GetBytes(test!["data"]?.ToJsonString() ?? "null");
                    var expectedValid = compilation.Schema!.Validate(instance).IsValid;
                    count++;
                    var session = Feed(compilation.Schema, instance);
                    var final = session.Complete();
                    if (expectedValid && session.Violations.Count > 0)
                    {
                        failures.Add($"{Path.GetFileName(file)} / {group["description"]} / {test["description"]}: valid, but reported {session.Violations[0].Message}");
                    }
                    else if (session.Violations.Count > 0 && final.IsValid)
                    {
                        failures.Add($"{Path.GetFileName(file)} / {group["description"]} / {test["description"]}: reported but valid");
                    }
                }
            }
        }

        Assert.True(count > 500, $"only {count} instances");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count}:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(30))}");
    }
}
