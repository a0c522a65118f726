using Registry.Engine;
using Registry.Engine.Model;
using Registry.Engine.Storage;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Server.Http.Native;

/// <summary>Conversions between engine types and the native API's bodies.</summary>
internal static class NativeMapping
{
    public static IReadOnlyList<SchemaReference> References(IReadOnlyList<ReferenceModel>? references)
    {
        if (references is null || references.Count == 0)
        {
            return [];
        }

        var list = new SchemaReference[references.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var r = references[i] ?? throw new RegistryException(RegistryErrorCode.InvalidRequest, "A reference is null.");
            list[i] = new SchemaReference(r.Name, r.Subject, r.Version);
        }

        return list;
    }

    public static List<ReferenceModel> References(IReadOnlyList<SchemaReference> references)
    {
        var list = new List<ReferenceModel>(references.Count);
        foreach (var r in references)
        {
            list.Add(new ReferenceModel(r.Name, r.Subject, r.Version));
        }

        return list;
    }

    public static VersionMetadata Metadata(MetadataModel? model) => model is null
        ? VersionMetadata.Empty
        : new VersionMetadata
        {
            Description = model.Description,
            Owner = model.Owner,
            Tags = model.Tags ?? [],
            Properties = model.Properties ?? new Dictionary<string, string>(),
        };

    public static MetadataModel Metadata(VersionMetadata metadata) => new()
    {
        Description = metadata.Description,
        Owner = metadata.Owner,
        Tags = metadata.Tags,
        Properties = metadata.Properties,
        Contract = metadata.Contract is { } contract ? Json(ContractJson.ToJson(contract)) : null,
    };

    private static System.Text.Json.JsonElement Json(string text)
    {
        using var document = System.Text.Json.JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static LifecycleState State(string? value, LifecycleState fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!Lifecycle.TryParse(value, out var state))
        {
            throw new RegistryException(RegistryErrorCode.InvalidRequest, $"'{value}' is not a state: DRAFT, ACTIVE, DEPRECATED or ARCHIVED.");
        }

        return state;
    }

    public static CompatibilityLevel? Level(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!ConfigNames.TryParseLevel(value, out var level))
        {
            throw new RegistryException(RegistryErrorCode.InvalidCompatibilityLevel,
                $"'{value}' is not a compatibility level: NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE.");
        }

        return level;
    }

    public static CompatibilityPolicy? Policy(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!ConfigNames.TryParsePolicy(value, out var policy))
        {
            throw new RegistryException(RegistryErrorCode.InvalidCompatibilityLevel, $"'{value}' is not a compatibility policy: STRICT or LENIENT.");
        }

        return policy;
    }

    public static JsonSchemaDraft? Draft(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return JsonSchemaDrafts.Parse(value)
            ?? throw new RegistryException(RegistryErrorCode.InvalidRequest, $"'{value}' is not a draft: {JsonSchemaDrafts.Names}.");
    }

    public static RegistryMode Mode(string? value)
    {
        if (!ConfigNames.TryParseMode(value, out var mode))
        {
            throw new RegistryException(RegistryErrorCode.InvalidMode, $"'{value}' is not a mode: READWRITE, READONLY or IMPORT.");
        }

        return mode;
    }

    public static ConfigModel Config(ConfigRecord record) => new(
        record.Compatibility is { } level ? ConfigNames.Level(level) : null,
        record.Policy is { } policy ? ConfigNames.Policy(policy) : null,
        record.Mode is { } mode ? ConfigNames.Mode(mode) : null,
        record.FormatAssertion,
        record.DefaultDraft is { } draft ? JsonSchemaDrafts.Name(draft) : null);

    /// <summary>The settings in force; the default draft as this API applies it (the subject's, else the server's).</summary>
    public static ConfigModel Config(EffectiveConfig config, JsonSchemaDraft serverDraft) =>
        new(ConfigNames.Level(config.Compatibility), ConfigNames.Policy(config.Policy), ConfigNames.Mode(config.Mode), config.FormatAssertion,
            JsonSchemaDrafts.Name(config.DefaultDraft ?? serverDraft));

    public static SchemaResponse Schema(SchemaRecord schema) => new()
    {
        Id = schema.Id,
        SchemaType = schema.SchemaType,
        Schema = new RawJson(schema.Content),
        References = References(schema.References),
        ContentHash = schema.ContentHashHex,
    };

    public static VersionResponse Version(SubjectVersion version)
    {
        var info = version.Info;
        return new VersionResponse
        {
            Subject = info.Subject,
            Version = info.Version,
            Id = info.SchemaId,
            SchemaType = version.Schema.SchemaType,
            Schema = new RawJson(version.Schema.Content),
            References = References(version.Schema.References),
            State = Lifecycle.Name(info.State),
            Deleted = info.IsDeleted,
            Semver = info.Semver,
            Metadata = Metadata(info.Metadata),
            Deprecation = info.Deprecation is { } d ? new DeprecationModel(d.Reason, d.Sunset, d.Replacement) : null,
            ContentHash = version.Schema.ContentHashHex,
            CreatedAt = info.CreatedAt,
            CreatedBy = info.CreatedBy,
            UpdatedAt = info.UpdatedAt,
        };
    }

    /// <summary>A version's lint results in short (<see cref="VersionLintModel"/>).</summary>
    public static List<VersionLintModel> Lints(IReadOnlyList<Registry.Schemas.Profiles.ProfileLintResult> results)
    {
        var list = new List<VersionLintModel>(results.Count);
        foreach (var result in results)
        {
            var violations = new List<VersionLintViolationModel>(result.Violations.Count);
            foreach (var v in result.Violations)
            {
                violations.Add(new VersionLintViolationModel(v.Name, v.Pointer, Registry.Schemas.Profiles.ProfileViolation.EffectName(v.Effect), v.Limit, v.Actual));
            }

            list.Add(new VersionLintModel(result.Profile.Name, result.Profile.Version, LintStatusName(result.Status), result.IsAccepted, violations, result.ViolationsDropped));
        }

        return list;
    }

    private static string LintStatusName(Registry.Schemas.Profiles.LintStatus status) => status switch
    {
        Registry.Schemas.Profiles.LintStatus.Completed => "completed",
        Registry.Schemas.Profiles.LintStatus.TooComplex => "too_complex",
        _ => "invalid_schema",
    };

    public static List<VersionUsageModel> Usages(IReadOnlyList<VersionUsage> usages)
    {
        var list = new List<VersionUsageModel>(usages.Count);
        foreach (var u in usages)
        {
            list.Add(new VersionUsageModel(u.Subject, u.Version, u.SchemaId, Lifecycle.Name(u.State), u.IsDeleted));
        }

        return list;
    }

    public static List<DifferenceModel> Differences(IReadOnlyList<VersionDifference> differences)
    {
        var list = new List<DifferenceModel>(differences.Count);
        foreach (var d in differences)
        {
            list.Add(new DifferenceModel(d.Name, d.Location, d.IsCompatible, d.Message, d.EarlierVersion, d.Remedy));
        }

        return list;
    }

    public static string Outcome(ValidationOutcome outcome) => outcome switch
    {
        ValidationOutcome.Valid => "valid",
        ValidationOutcome.Invalid => "invalid",
        ValidationOutcome.MalformedJson => "malformed_json",
        _ => "limit_exceeded",
    };

    public static List<ValidationErrorModel> Errors(IReadOnlyList<ValidationError> errors)
    {
        var list = new List<ValidationErrorModel>(errors.Count);
        foreach (var e in errors)
        {
            list.Add(new ValidationErrorModel(e.InstanceLocation, e.KeywordLocation, e.Message));
        }

        return list;
    }
}
