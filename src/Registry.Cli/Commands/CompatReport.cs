using System.Buffers;
using System.Text;
using System.Text.Json;
using Registry.Schemas.Compatibility;

namespace Registry.Cli.Commands;

/// <summary>
/// Renders a <see cref="CompatibilityResult"/> as readable text or as JSON (written by hand: the tool is AOT-compiled).
/// The JSON uses the names of the HTTP API's compatibility answer (<c>is_compatible</c>, <c>suggested_bump</c>,
/// differences with <c>version</c>), plus <c>earlier_file</c>: the --old file a difference is against.
/// </summary>
internal static class CompatReport
{
    /// <summary>Confluent's spelling of a level: <c>BACKWARD_TRANSITIVE</c>.</summary>
    public static string LevelName(CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        _ => "FULL_TRANSITIVE",
    };

    public static string PolicyName(CompatibilityPolicy policy) => policy == CompatibilityPolicy.Strict ? "STRICT" : "LENIENT";

    public static string BumpName(VersionBump bump) => bump switch
    {
        VersionBump.None => "NONE",
        VersionBump.Patch => "PATCH",
        VersionBump.Minor => "MINOR",
        _ => "MAJOR",
    };

    public static string Text(CompatibilityResult result, CompatibilityLevel level, CompatibilityPolicy policy, IReadOnlyList<string> earlier)
    {
        var text = new StringBuilder();
        text.Append(result.IsCompatible ? "compatible" : "INCOMPATIBLE")
            .Append(" (").Append(LevelName(level)).Append(", ").Append(PolicyName(policy)).Append(')')
            .Append("; suggested version bump: ").Append(BumpName(result.SuggestedBump).ToLowerInvariant()).Append('\n');
        if (result.Differences.Count == 0)
        {
            text.Append(level == CompatibilityLevel.None ? "  nothing checked at level NONE\n" : "  no differences\n");
            return text.ToString();
        }

        foreach (var pass in (ReadOnlySpan<bool>)[false, true])
        {
            foreach (var difference in result.Differences)
            {
                if (difference.IsCompatible != pass)
                {
                    continue;
                }

                text.Append("  ").Append(pass ? "ok   " : "BREAK").Append(' ').Append(difference.Name).Append(' ').Append(difference.Location);
                if (earlier.Count > 1)
                {
                    text.Append(" (against ").Append(earlier[difference.EarlierVersionIndex]).Append(')');
                }

                text.Append("\n        ").Append(difference.Message).Append('\n');
            }
        }

        return text.ToString();
    }

    public static string Json(CompatibilityResult result, CompatibilityLevel level, CompatibilityPolicy policy, IReadOnlyList<string> earlier)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("is_compatible", result.IsCompatible);
            writer.WriteString("level", LevelName(level));
            writer.WriteString("policy", PolicyName(policy));
            writer.WriteString("suggested_bump", BumpName(result.SuggestedBump));
            writer.WriteStartArray("differences");
            foreach (var difference in result.Differences)
            {
                writer.WriteStartObject();
                writer.WriteString("name", difference.Name);
                writer.WriteString("location", difference.Location);
                writer.WriteBoolean("compatible", difference.IsCompatible);
                writer.WriteString("message", difference.Message);
                writer.WriteNumber("version", difference.EarlierVersionIndex + 1);
                writer.WriteString("earlier_file", earlier[difference.EarlierVersionIndex]);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }
}
