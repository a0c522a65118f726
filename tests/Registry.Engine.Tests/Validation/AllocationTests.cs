using System.Text;
using Registry.Engine.Validation;
using Registry.Testing;

namespace Registry.Engine.Tests.Validation;

/// <summary>Pass/fail evaluation of a valid document allocates nothing once warm (the hot path of the registry).</summary>
public sealed class AllocationTests
{
    public static TheoryData<string> CorpusSchemas() =>
    [
        .. Directory.GetDirectories(RepositoryPaths.SharedPath("validation-corpus")).Select(d => Path.GetFileName(d)!).Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(CorpusSchemas))]
    public void Pass_fail_evaluation_of_corpus_documents_allocates_nothing_once_warm(string name)
    {
        var directory = RepositoryPaths.SharedPath("validation-corpus", name);
        var schema = Schemas.Compile(File.ReadAllText(Path.Combine(directory, "schema.json")));
        var instances = File.ReadAllLines(Path.Combine(directory, "instances.jsonl"))
            .Where(l => l.Length > 0).Take(200).Select(Encoding.UTF8.GetBytes).ToArray();
        foreach (var instance in instances)
        {
            schema.Evaluate(instance);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var instance in instances)
        {
            schema.Evaluate(instance);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Pass_fail_evaluation_with_annotations_and_dynamic_references_allocates_nothing_once_warm()
    {
        var schema = Schemas.Compile("""
            {
              "$id": "https://example.com/tree",
              "$dynamicAnchor": "node",
              "type": "object",
              "properties": { "data": true, "children": { "type": "array", "items": { "$dynamicRef": "#node" } } },
              "anyOf": [ { "properties": { "a": { "type": "number", "multipleOf": 0.5 } } }, { "required": ["b"] } ],
              "unevaluatedProperties": { "type": "string", "pattern": "^[a-z]+$" }
            }
            """);
        var document = Encoding.UTF8.GetBytes("""{"a": 1.5, "data": 1, "x": "abc", "children": [{"b": 1, "children": []}], "y": "\u00e9t\u00e9"}""");
        Assert.Equal(ValidationOutcome.Invalid, schema.Evaluate(document));
        var valid = Encoding.UTF8.GetBytes("""{"a": 1.5, "data": 1, "x": "abc", "children": [{"b": "q", "children": []}], "y": "de"}""");
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(valid));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            schema.Evaluate(valid);
            schema.Evaluate(document);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
