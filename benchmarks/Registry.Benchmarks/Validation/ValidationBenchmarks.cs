using System.Text;
using BenchmarkDotNet.Attributes;
using Registry.Schemas.Validation;

namespace Registry.Benchmarks.Validation;

/// <summary>
/// Validating one valid document, parsing from UTF-8 bytes included, against NJsonSchema (the validator Confluent's
/// .NET JSON serdes use) and JsonSchema.Net 8 (flag output, the document parsed into a JsonDocument as its API takes)
/// on the same schema and document. Pass/fail must show 0 B allocated.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ValidateBenchmarks
{
    private CompiledSchema _schema = null!;
    private NJsonSchema.JsonSchema _njsonSchema = null!;
    private Json.Schema.JsonSchema _jsonSchemaNet = null!;
    private byte[] _document = null!;

    private static readonly Json.Schema.EvaluationOptions JsonSchemaNetFlag = new() { OutputFormat = Json.Schema.OutputFormat.Flag };

    [Params(SchemaSize.Small, SchemaSize.Medium, SchemaSize.Large)]
    public SchemaSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (schema, document) = BenchmarkSchemas.Load(Size);
        _schema = SchemaCompiler.Compile(schema).Schema ?? throw new InvalidOperationException("the benchmark schema does not compile");
        _njsonSchema = NJsonSchema.JsonSchema.FromJsonAsync(Encoding.UTF8.GetString(schema)).GetAwaiter().GetResult();
        _jsonSchemaNet = Json.Schema.JsonSchema.FromText(Encoding.UTF8.GetString(schema), new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry(), Dialect = Json.Schema.Dialect.Draft202012 });
        _document = document;
        if (_schema.Evaluate(_document) != ValidationOutcome.Valid || !JsonSchemaNetValidate())
        {
            throw new InvalidOperationException("the benchmark document is not valid");
        }
    }

    [Benchmark(Baseline = true, Description = "NJsonSchema")]
    public int NJsonSchemaValidate() => _njsonSchema.Validate(Encoding.UTF8.GetString(_document)).Count;

    [Benchmark(Description = "JsonSchema.Net")]
    public bool JsonSchemaNetValidate()
    {
        using var document = System.Text.Json.JsonDocument.Parse(_document);
        return _jsonSchemaNet.Evaluate(document.RootElement, JsonSchemaNetFlag).IsValid;
    }

    [Benchmark(Description = "registry pass/fail")]
    public ValidationOutcome PassFail() => _schema.Evaluate(_document);

    [Benchmark(Description = "registry full")]
    public int Full() => _schema.Validate(_document).Errors.Count;
}

/// <summary>Compiling a schema (parse, meta-schema validation, references, node tree) against NJsonSchema's load and JsonSchema.Net's build.</summary>
[Config(typeof(BenchmarkConfig))]
public class CompileBenchmarks
{
    private byte[] _schema = null!;
    private string _schemaText = null!;

    [Params(SchemaSize.Small, SchemaSize.Medium, SchemaSize.Large)]
    public SchemaSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _schema = BenchmarkSchemas.Load(Size).Schema;
        _schemaText = Encoding.UTF8.GetString(_schema);
    }

    [Benchmark(Baseline = true, Description = "NJsonSchema")]
    public object NJsonSchemaLoad() => NJsonSchema.JsonSchema.FromJsonAsync(_schemaText).GetAwaiter().GetResult();

    [Benchmark(Description = "JsonSchema.Net")]
    public object JsonSchemaNetBuild() => Json.Schema.JsonSchema.FromText(_schemaText, new Json.Schema.BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry(), Dialect = Json.Schema.Dialect.Draft202012 });

    [Benchmark(Description = "registry")]
    public object? Compile() => SchemaCompiler.Compile(_schema).Schema;
}
