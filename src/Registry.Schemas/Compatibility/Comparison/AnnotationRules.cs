using System.Text.Json;
using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>Keywords that never change what validates: always compatible, reported so the bump can be a patch.</summary>
internal static class AnnotationRules
{
    public static void Compare(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        if (old.BooleanValue is not null && @new.BooleanValue is not null)
        {
            return;
        }

        if (!string.Equals(old.Title, @new.Title, StringComparison.Ordinal))
        {
            comparer.Report(DifferenceNames.TitleChanged, @new.At("title"), true, Changed("title", old.Title, @new.Title));
        }

        if (!string.Equals(old.Description, @new.Description, StringComparison.Ordinal))
        {
            comparer.Report(DifferenceNames.DescriptionChanged, @new.At("description"), true, Changed("description", old.Description, @new.Description));
        }

        if (!SameJson(old.Examples, @new.Examples))
        {
            comparer.Report(DifferenceNames.ExamplesChanged, @new.At("examples"), true, "examples changed");
        }

        if (!string.Equals(old.Id, @new.Id, StringComparison.Ordinal))
        {
            comparer.Report(DifferenceNames.IdChanged, @new.At(@new.Draft == Validation.JsonSchemaDraft.Draft4 ? "id" : "$id"), true, Changed("$id", old.Id, @new.Id));
        }

        if (!string.Equals(old.Dialect, @new.Dialect, StringComparison.Ordinal))
        {
            comparer.Report(DifferenceNames.DialectChanged, @new.At("$schema"), true, Changed("$schema", old.Dialect, @new.Dialect));
        }

        CompareDefault(comparer, old, @new);
        CompareOthers(comparer, old, @new);
    }

    private static void CompareDefault(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        var location = @new.At("default");
        if (old.Default is null && @new.Default is { } added)
        {
            comparer.Report(DifferenceNames.DefaultAdded, location, true, $"default {Short(added)} added");
        }
        else if (old.Default is { } removed && @new.Default is null)
        {
            comparer.Report(DifferenceNames.DefaultRemoved, location, true, $"default {Short(removed)} removed");
        }
        else if (!SameJson(old.Default, @new.Default))
        {
            comparer.Report(DifferenceNames.DefaultChanged, location, true, $"default changed from {Short(old.Default!.Value)} to {Short(@new.Default!.Value)}");
        }
    }

    private static void CompareOthers(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        if (old.OtherKeywords is null && @new.OtherKeywords is null)
        {
            return;
        }

        if (old.OtherKeywords is not null)
        {
            foreach (var (keyword, value) in old.OtherKeywords)
            {
                if (@new.OtherKeywords is null || !@new.OtherKeywords.TryGetValue(keyword, out var now))
                {
                    comparer.Report(DifferenceNames.AnnotationChanged, @new.At(keyword), true, $"{keyword} removed");
                }
                else if (!value.SameAs(now))
                {
                    comparer.Report(DifferenceNames.AnnotationChanged, @new.At(keyword), true, $"{keyword} changed");
                }
            }
        }

        if (@new.OtherKeywords is not null)
        {
            foreach (var keyword in @new.OtherKeywords.Keys)
            {
                if (old.OtherKeywords is null || !old.OtherKeywords.ContainsKey(keyword))
                {
                    comparer.Report(DifferenceNames.AnnotationChanged, @new.At(keyword), true, $"{keyword} added");
                }
            }
        }
    }

    private static bool SameJson(JsonRef? a, JsonRef? b)
        => a is null ? b is null : b is not null && a.Value.SameAs(b.Value);

    private static string Changed(string keyword, string? from, string? to) => (from, to) switch
    {
        (null, _) => $"{keyword} added",
        (_, null) => $"{keyword} removed",
        _ => $"{keyword} changed",
    };

    /// <summary>A JSON value for a message, cut short when long.</summary>
    public static string Short(JsonRef value) => Short(value.ToElement());

    /// <summary>A JSON value for a message, cut short when long.</summary>
    public static string Short(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
    }
}
