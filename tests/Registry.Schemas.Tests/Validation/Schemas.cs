using System.Text;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Validation;

/// <summary>Compiles test schemas written as C# strings.</summary>
internal static class Schemas
{
    public static CompiledSchema Compile(string schema, SchemaCompilerOptions? options = null)
    {
        var compilation = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schema), options);
        Assert.True(compilation.Succeeded, string.Join("; ", compilation.Errors.Select(e => $"{e.SchemaLocation}: {e.Message}")));
        return compilation.Schema!;
    }

    public static ValidationOutcome Evaluate(this CompiledSchema schema, string document)
        => schema.Evaluate(Encoding.UTF8.GetBytes(document));

    public static ValidationResult Validate(this CompiledSchema schema, string document, int maxErrors = 100)
        => schema.Validate(Encoding.UTF8.GetBytes(document), maxErrors);

    public static bool IsValid(this CompiledSchema schema, string document) => schema.Evaluate(document) == ValidationOutcome.Valid;
}
