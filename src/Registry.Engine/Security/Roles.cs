namespace Registry.Engine.Security;

/// <summary>What a principal is trusted with; the grants of a key narrow the subject-scoped rights.</summary>
public enum Role
{
    /// <summary>Read and validate everywhere; nothing else.</summary>
    Reader = 1,

    /// <summary>Read and validate everywhere; register on granted subjects (a serializer that auto-registers).</summary>
    Service = 2,

    /// <summary>Read and validate everywhere; register, change lifecycle and metadata, soft-delete and set subject configuration on granted subjects.</summary>
    Developer = 3,

    /// <summary>Everything: hard deletes, global configuration, keys, the audit log.</summary>
    Admin = 4,
}

/// <summary>What a request does, as far as authorisation is concerned. Every endpoint and opcode is one of these.</summary>
public enum SecuredOperation
{
    /// <summary>Reads of schemas, subjects, versions, configuration, statistics.</summary>
    Read = 1,

    /// <summary>Validation, compatibility checks, lint and transform (they change nothing).</summary>
    Validate = 2,

    /// <summary>Registering a new version under a subject.</summary>
    Register = 3,

    /// <summary>Changing a version's lifecycle state or metadata.</summary>
    Lifecycle = 4,

    /// <summary>Soft-deleting versions or a subject.</summary>
    Delete = 5,

    /// <summary>Removing versions or a subject for good.</summary>
    HardDelete = 6,

    /// <summary>Setting or clearing a subject's compatibility, mode or profiles.</summary>
    SubjectConfig = 7,

    /// <summary>Setting or clearing the registry-wide compatibility or mode.</summary>
    GlobalConfig = 8,

    /// <summary>Creating, listing and revoking API keys.</summary>
    ManageKeys = 9,

    /// <summary>Reading and verifying the audit log.</summary>
    ReadAudit = 10,
}

/// <summary>Wire names of roles and operations (lower case, as in configuration, the API and the audit log).</summary>
public static class SecurityNames
{
    /// <summary>The name of a role.</summary>
    public static string Of(Role role) => role switch
    {
        Role.Reader => "reader",
        Role.Service => "service",
        Role.Developer => "developer",
        Role.Admin => "admin",
        _ => "unknown",
    };

    /// <summary>The name of an operation.</summary>
    public static string Of(SecuredOperation operation) => operation switch
    {
        SecuredOperation.Read => "read",
        SecuredOperation.Validate => "validate",
        SecuredOperation.Register => "register",
        SecuredOperation.Lifecycle => "lifecycle",
        SecuredOperation.Delete => "delete",
        SecuredOperation.HardDelete => "hard_delete",
        SecuredOperation.SubjectConfig => "subject_config",
        SecuredOperation.GlobalConfig => "global_config",
        SecuredOperation.ManageKeys => "manage_keys",
        SecuredOperation.ReadAudit => "read_audit",
        _ => "unknown",
    };

    /// <summary>Parses a role name (case-insensitive); false when unknown.</summary>
    public static bool TryParseRole(string? text, out Role role)
    {
        role = text?.Trim().ToUpperInvariant() switch
        {
            "READER" => Role.Reader,
            "SERVICE" => Role.Service,
            "DEVELOPER" => Role.Developer,
            "ADMIN" => Role.Admin,
            _ => 0,
        };
        return role != 0;
    }
}
