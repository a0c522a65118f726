using System.Text.Json;

namespace Registry.Schemas;

/// <summary>Where a JSON text stopped parsing, in the words a person reads: line and byte counted from 1.</summary>
public static class JsonPosition
{
    /// <summary>"line 3, byte 14" for <paramref name="e"/>, or "the end of the text" when the parser gave no position.</summary>
    public static string Of(JsonException e) =>
        e.LineNumber is { } line && e.BytePositionInLine is { } b ? $"line {line + 1}, byte {b + 1}" : "the end of the text";
}
