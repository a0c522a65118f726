using Registry.Schemas.Output;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Tests.Output;

/// <summary>The checker, cancelled with the test.</summary>
internal static class Outputs
{
    public static ModelOutputResult Check(string text, CompiledSchema? schema, ModelOutputOptions? options = null)
        => ModelOutputChecker.Check(text, schema, options, TestContext.Current.CancellationToken);

    public static ModelOutputResult Check(ReadOnlySpan<byte> text, CompiledSchema? schema, ModelOutputOptions? options = null)
        => ModelOutputChecker.Check(text, schema, options, TestContext.Current.CancellationToken);

    public static ModelOutputResult Check(byte[] text, CompiledSchema? schema, ModelOutputOptions? options = null)
        => ModelOutputChecker.Check(text, schema, options, TestContext.Current.CancellationToken);
}
