using Registry.Engine.Model;

namespace Registry.Engine.Services;

/// <summary>Bounds on metadata, so a version's descriptive facts cannot grow without limit.</summary>
public static class MetadataRules
{
    /// <summary>Longest description or owner, in characters.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>Most tags, and most key-values.</summary>
    public const int MaxEntries = 64;

    /// <summary>Longest tag, key or value, in characters.</summary>
    public const int MaxEntryLength = 1024;

    /// <summary>Property keys with this prefix are the registry's own (the Confluent API shows <c>registry.state</c>).</summary>
    public const string ReservedPrefix = "registry.";

    /// <summary>Throws <see cref="RegistryErrorCode.InvalidRequest"/> when the metadata is over a bound.</summary>
    public static void Validate(VersionMetadata? metadata)
    {
        if (metadata is null)
        {
            RegistryThrow.InvalidRequest("Metadata is missing.");
        }

        if (metadata.Description?.Length > MaxTextLength || metadata.Owner?.Length > MaxTextLength)
        {
            RegistryThrow.InvalidRequest($"Metadata description and owner are limited to {MaxTextLength} characters.");
        }

        if (metadata.Tags.Count > MaxEntries || metadata.Properties.Count > MaxEntries)
        {
            RegistryThrow.InvalidRequest($"Metadata holds at most {MaxEntries} tags and {MaxEntries} key-values.");
        }

        foreach (var tag in metadata.Tags)
        {
            if (string.IsNullOrEmpty(tag) || tag.Length > MaxEntryLength)
            {
                RegistryThrow.InvalidRequest($"Tags are 1 to {MaxEntryLength} characters.");
            }
        }

        foreach (var (key, value) in metadata.Properties)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxEntryLength || value is null || value.Length > MaxEntryLength)
            {
                RegistryThrow.InvalidRequest($"Metadata keys are 1 to {MaxEntryLength} characters, values up to {MaxEntryLength}.");
            }

            if (key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
            {
                RegistryThrow.InvalidRequest($"Metadata property '{key}' is reserved: keys starting with '{ReservedPrefix}' are written by the registry.");
            }
        }
    }

    /// <summary>Throws <see cref="RegistryErrorCode.InvalidRequest"/> when deprecation info is over a bound.</summary>
    public static void Validate(Deprecation? deprecation)
    {
        if (deprecation is null)
        {
            return;
        }

        if (deprecation.Reason?.Length > MaxTextLength || deprecation.Replacement?.Length > MaxEntryLength)
        {
            RegistryThrow.InvalidRequest($"A deprecation reason is limited to {MaxTextLength} characters, a replacement to {MaxEntryLength}.");
        }
    }
}
