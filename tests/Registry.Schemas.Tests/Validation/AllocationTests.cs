using System.Text;
using Registry.Schemas.Validation;
using Registry.Testing;

namespace Registry.Schemas.Tests.Validation;

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

    [Fact]
    public void Asserted_formats_of_the_common_kinds_allocate_nothing_once_warm()
    {
        var schema = Schemas.Compile("""
            {
              "properties": {
                "at": { "format": "date-time" }, "day": { "format": "date" }, "link": { "format": "uri" },
                "ref": { "format": "uri-reference" }, "ip": { "format": "ipv4" }, "ip6": { "format": "ipv6" },
                "id": { "format": "uuid" }, "ptr": { "format": "json-pointer" }, "span": { "format": "duration" }
              }
            }
            """, new SchemaCompilerOptions { FormatAssertion = true });
        var document = Encoding.UTF8.GetBytes("""
            {"at": "2024-02-29T23:59:60Z", "day": "2024-02-29", "link": "https://example.com/a?b=c#d", "ref": "../x/y.json#/z",
             "ip": "192.168.0.1", "ip6": "::ffff:10.0.0.1", "id": "2eb8aa08-aa98-11ea-b4aa-73b441d16380", "ptr": "/a~1b/0",
             "span": "P1Y2M3DT4H5M6S"}
            """);
        Assert.Equal(ValidationOutcome.Valid, schema.Evaluate(document));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++)
        {
            schema.Evaluate(document);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
