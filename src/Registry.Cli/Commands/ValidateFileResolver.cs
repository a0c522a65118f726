using Registry.Schemas.Validation;

namespace Registry.Cli.Commands;

/// <summary>Resolves <c>file:</c> references of a schema on disk (relative references are relative to the schema file).</summary>
internal sealed class ValidateFileResolver : ISchemaResolver
{
    public bool TryResolve(Uri documentUri, out ReadOnlyMemory<byte> utf8Schema)
    {
        utf8Schema = default;
        if (!documentUri.IsFile)
        {
            return false;
        }

        try
        {
            utf8Schema = File.ReadAllBytes(documentUri.LocalPath);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
