using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;
using Registry.Testing;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Output;

/// <summary>
/// The corpus of model outputs under <c>Output/corpus</c>: hand-written cases (<c>hand.json</c>, outputs in <c>hand/</c>)
/// and generated ones (<c>generated.jsonl</c>, written by <see cref="Generate"/>): fenced, with prose, each repair kind
/// applied and refused, and cut at every character of a valid document. Each case states the expected verdict,
/// extraction, value, repairs, errors and truncation. Set <c>REGENERATE_OUTPUT_CORPUS=1</c> to rewrite the generated file.
/// </summary>
public sealed class OutputCorpusTests
{
    private static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "Registry.Schemas.Tests", "Output", "corpus");

    private static readonly Dictionary<string, CompiledSchema> Compiled = new(StringComparer.Ordinal);

    private static CompiledSchema Schema(string name)
    {
        lock (Compiled)
        {
            if (!Compiled.TryGetValue(name, out var schema))
            {
                schema = TestSchemas.Compile(File.ReadAllText(Path.Combine(Folder, "schemas", name + ".json")));
                Compiled[name] = schema;
            }

            return schema;
        }
    }

    public static TheoryData<string> HandCases()
    {
        var data = new TheoryData<string>();
        foreach (var c in JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "hand.json")))!.AsArray())
        {
            data.Add(c!["name"]!.GetValue<string>());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HandCases))]
    public void A_hand_written_case_gets_its_expected_answer(string name)
    {
        var c = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "hand.json")))!.AsArray().Single(n => n!["name"]!.GetValue<string>() == name)!;
        var output = File.ReadAllBytes(Path.Combine(Folder, c["output"]!.GetValue<string>()));

        Verify(c, output);
    }

    [Fact]
    public void Every_generated_case_gets_its_expected_answer()
    {
        var lines = File.ReadAllLines(Path.Combine(Folder, "generated.jsonl"));
        Assert.True(lines.Length > 300, $"{lines.Length} cases");
        var failures = new List<string>();
        foreach (var line in lines)
        {
            var c = JsonNode.Parse(line)!;
            try
            {
                Verify(c, Encoding.UTF8.GetBytes(c["output"]!.GetValue<string>()));
            }
            catch (Xunit.Sdk.XunitException e)
            {
                failures.Add($"{c["name"]}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {lines.Length}:\n{string.Join("\n", failures.Take(20))}");
    }

    [Fact]
    public void The_generated_corpus_is_what_its_generator_writes()
    {
        var path = Path.Combine(Folder, "generated.jsonl");
        var generated = Generate();
        if (Environment.GetEnvironmentVariable("REGENERATE_OUTPUT_CORPUS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.Equal(generated, File.ReadAllText(path));
    }

    private static void Verify(JsonNode c, byte[] output)
    {
        var options = new ModelOutputOptions
        {
            Repairs = c["options"]?["repairs"]?.GetValue<string>() is { } r && OutputRepair.TryParseName(r, out var kinds) ? kinds : RepairKinds.None,
            Partial = c["options"]?["partial"]?.GetValue<bool>() ?? false,
            Extract = c["options"]?["extract"]?.GetValue<bool>() ?? true,
        };
        var result = Outputs.Check(output, Schema(c["schema"]!.GetValue<string>()), options);
        var expect = c["expect"]!;
        var summary = $"{ModelOutputJson.VerdictName(result.Verdict)}; {string.Join("; ", result.Violations.Select(v => v.Message))}";

        Assert.True(ModelOutputJson.VerdictName(result.Verdict) == expect["verdict"]!.GetValue<string>(), summary);
        if (expect["source"] is { } source)
        {
            Assert.Equal(source.GetValue<string>(), result.Extraction!.Source.ToString().ToLowerInvariant());
        }

        if (expect["candidate"] is { } candidate)
        {
            Assert.Equal(candidate.GetValue<int>(), result.Extraction!.Candidate);
        }

        if (expect["value"] is { } value)
        {
            Assert.True(JsonNode.DeepEquals(value, JsonNode.Parse(result.Json.Span)), $"value {result.JsonText}");
        }
        else if (expect.AsObject().ContainsKey("value"))
        {
            Assert.Equal("null", result.JsonText);
        }

        if (expect["repairs"] is JsonArray repairs)
        {
            Assert.Equal(repairs.Select(n => n!.GetValue<string>()), result.Repairs.Select(x => x.Name));
        }

        if (expect["repair_kinds"] is JsonArray repairKinds)
        {
            Assert.Equal(repairKinds.Select(n => n!.GetValue<string>()).Order(), result.Repairs.Select(x => x.Name).Distinct().Order());
        }

        if (expect["repairs_needed"] is JsonArray needed)
        {
            Assert.Equal(needed.Select(n => n!.GetValue<string>()).Order(), result.RepairsNeeded.Select(x => x.Name).Distinct().Order());
        }

        if (expect["errors"] is JsonArray errors)
        {
            Assert.Equal(errors.Select(n => n!.GetValue<string>()).Order(), result.Violations.Select(v => v.InstanceLocation + " " + v.Keyword).Order());
        }

        if (expect["truncation"] is { } truncation)
        {
            var t = result.Truncation;
            Assert.NotNull(t);
            if (truncation["path"] is { } path)
            {
                Assert.Equal(path.GetValue<string>(), t.Path);
            }

            if (truncation["completed"] is { } completed)
            {
                Assert.True(JsonNode.DeepEquals(completed, JsonNode.Parse(t.Completed.Span)), $"completed {t.CompletedText}");
            }

            if (truncation["closing"] is { } closing)
            {
                Assert.Equal(closing.GetValue<string>(), t.Closing);
            }

            if (truncation["can_still_be_valid"] is { } can)
            {
                Assert.Equal(can.GetValue<bool>(), t.CanStillBeValid);
            }
        }

        if (expect["advice"] is { } advice)
        {
            Assert.Equal(advice.GetValue<string>(), ModelOutputJson.AdviceName(result.Feedback!.Advice));
        }
    }

    private static readonly (string Schema, string Document)[] Seeds =
    [
        ("ticket", """{"title":"Printer on floor 3 jams","status":"open","priority":3,"tags":["hardware","printer"],"assignee":null,"details":"Paper tray 2.\nJams on duplex."}"""),
        ("weather", """{"location":"São Paulo, BR","unit":"celsius","days":7,"include_hourly":true}"""),
        ("person", """{"name":"Zoë \"Z\" Ada","age":36,"emails":["zoe@example.org"],"address":{"street":"1 Main St","city":"Lund","country":"SE"},"score":98.5,"verified":false,"nickname":null}"""),
    ];

    /// <summary>The generated corpus, one case per line.</summary>
    internal static string Generate()
    {
        var sb = new StringBuilder();
        foreach (var (schema, doc) in Seeds)
        {
            var indented = JsonNode.Parse(doc)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            Valid(sb, schema, "plain", doc, "whole");
            Valid(sb, schema, "indented", indented, "whole");
            Valid(sb, schema, "fenced", "Here is the JSON you asked for:\n\n```json\n" + indented + "\n```\n\nLet me know if anything should change.", "fence");
            Valid(sb, schema, "fenced-untagged", "```\n" + doc + "\n```", "fence");
            Valid(sb, schema, "prose-before", "The extracted record is: " + doc, "text");
            Valid(sb, schema, "prose-after", doc + "\n\nI filled every field the text mentions.", "text");

            var repaired = new List<(string Kind, string Text)>
            {
                ("trailing_comma", doc[..^1] + ",}"),
                ("comment", "{ /* generated */" + doc[1..]),
                ("unquoted_key", Regex.Replace(doc, "\"([A-Za-z_][A-Za-z0-9_]*)\":", "$1:")),
                ("python_literal", OutsideStrings(doc, s => s.Replace("true", "True", StringComparison.Ordinal).Replace("false", "False", StringComparison.Ordinal).Replace("null", "None", StringComparison.Ordinal))),
                ("missing_comma", ReplaceFirst(doc, "\",\"", "\" \"")),
            };
            if (!doc.Contains('\'', StringComparison.Ordinal) && !doc.Contains("\\\"", StringComparison.Ordinal))
            {
                repaired.Add(("single_quotes", doc.Replace('"', '\'')));
            }

            if (doc.Contains("\\n", StringComparison.Ordinal))
            {
                repaired.Add(("control_character", doc.Replace("\\n", "\n", StringComparison.Ordinal)));
            }

            foreach (var (kind, text) in repaired)
            {
                if (text == doc)
                {
                    continue;
                }

                Line(sb, $"{schema}-{kind}", schema, "syntax", text, new JsonObject
                {
                    ["verdict"] = "valid",
                    ["value"] = JsonNode.Parse(doc),
                    ["repair_kinds"] = new JsonArray(kind),
                });
                Line(sb, $"{schema}-{kind}-refused", schema, null, text, new JsonObject
                {
                    ["verdict"] = "malformed",
                    ["repairs_needed"] = new JsonArray(kind),
                    ["advice"] = "retry",
                });
            }

            // Cut at every character boundary: truncated, never invalid, and what was written can still become valid.
            var bytes = Encoding.UTF8.GetBytes(doc);
            for (var cut = 1; cut < bytes.Length; cut++)
            {
                if ((bytes[cut] & 0xC0) == 0x80)
                {
                    continue;
                }

                Line(sb, $"{schema}-cut-{cut}", schema, null, Encoding.UTF8.GetString(bytes, 0, cut), new JsonObject
                {
                    ["verdict"] = "truncated",
                    ["truncation"] = new JsonObject { ["can_still_be_valid"] = true },
                    ["advice"] = "continue",
                });
            }
        }

        return sb.ToString();
    }

    private static void Valid(StringBuilder sb, string schema, string name, string text, string source)
        => Line(sb, $"{schema}-{name}", schema, null, text, new JsonObject
        {
            ["verdict"] = "valid",
            ["source"] = source,
            ["value"] = JsonNode.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..(text.LastIndexOf('}') + 1)]),
            ["repairs"] = new JsonArray(),
        });

    private static void Line(StringBuilder sb, string name, string schema, string? repairs, string output, JsonObject expect)
    {
        var node = new JsonObject { ["name"] = name, ["schema"] = schema };
        if (repairs is not null)
        {
            node["options"] = new JsonObject { ["repairs"] = repairs };
        }

        node["output"] = output;
        node["expect"] = expect;
        sb.Append(node.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })).Append('\n');
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), with, text.AsSpan(at + what.Length));
    }

    /// <summary>Applies <paramref name="transform"/> to the parts of a JSON text outside its strings.</summary>
    private static string OutsideStrings(string json, Func<string, string> transform)
    {
        var sb = new StringBuilder();
        var outside = new StringBuilder();
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] != '"')
            {
                outside.Append(json[i]);
                continue;
            }

            sb.Append(transform(outside.ToString()));
            outside.Clear();
            var end = i + 1;
            while (json[end] != '"')
            {
                end += json[end] == '\\' ? 2 : 1;
            }

            sb.Append(json, i, end - i + 1);
            i = end;
        }

        return sb.Append(transform(outside.ToString())).ToString();
    }
}
