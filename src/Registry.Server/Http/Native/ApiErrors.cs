using Registry.Engine;

namespace Registry.Server.Http.Native;

/// <summary>The one mapping from engine error codes to HTTP statuses and wire names of the native API.</summary>
internal static class ApiErrors
{
    public static int Status(RegistryErrorCode code) => code switch
    {
        RegistryErrorCode.InvalidRequest
            or RegistryErrorCode.InvalidVersion
            or RegistryErrorCode.InvalidCompatibilityLevel
            or RegistryErrorCode.InvalidMode => StatusCodes.Status400BadRequest,
        RegistryErrorCode.SubjectNotFound
            or RegistryErrorCode.VersionNotFound
            or RegistryErrorCode.SchemaNotFound
            or RegistryErrorCode.SubjectSoftDeleted
            or RegistryErrorCode.VersionSoftDeleted
            or RegistryErrorCode.AliasNotFound
            or RegistryErrorCode.ToolSetNotFound => StatusCodes.Status404NotFound,
        RegistryErrorCode.AliasProtected => StatusCodes.Status403Forbidden,
        RegistryErrorCode.Incompatible
            or RegistryErrorCode.IdConflict
            or RegistryErrorCode.ConcurrentModification => StatusCodes.Status409Conflict,
        RegistryErrorCode.TooLarge => StatusCodes.Status413PayloadTooLarge,
        RegistryErrorCode.InvalidSchema
            or RegistryErrorCode.UnsupportedSchemaType
            or RegistryErrorCode.IllegalTransition
            or RegistryErrorCode.SubjectNotSoftDeleted
            or RegistryErrorCode.VersionNotSoftDeleted
            or RegistryErrorCode.ReferenceExists
            or RegistryErrorCode.ReferenceNotFound
            or RegistryErrorCode.InvalidSemver
            or RegistryErrorCode.OperationNotPermitted
            or RegistryErrorCode.VersionArchived
            or RegistryErrorCode.TooComplex
            or RegistryErrorCode.AliasTargetInvalid
            or RegistryErrorCode.VersionAliased
            or RegistryErrorCode.SchemaTypeMismatch
            or RegistryErrorCode.InvalidVariables
            or RegistryErrorCode.InvalidRuleSet => StatusCodes.Status422UnprocessableEntity,
        RegistryErrorCode.StoreUnavailable => StatusCodes.Status503ServiceUnavailable,
        RegistryErrorCode.Overloaded => StatusCodes.Status429TooManyRequests,
        RegistryErrorCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        RegistryErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        RegistryErrorCode.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static string Name(RegistryErrorCode code) => code switch
    {
        RegistryErrorCode.InvalidRequest => "invalid_request",
        RegistryErrorCode.SubjectNotFound => "subject_not_found",
        RegistryErrorCode.VersionNotFound => "version_not_found",
        RegistryErrorCode.SchemaNotFound => "schema_not_found",
        RegistryErrorCode.SubjectSoftDeleted => "subject_soft_deleted",
        RegistryErrorCode.SubjectNotSoftDeleted => "subject_not_soft_deleted",
        RegistryErrorCode.VersionSoftDeleted => "version_soft_deleted",
        RegistryErrorCode.VersionNotSoftDeleted => "version_not_soft_deleted",
        RegistryErrorCode.InvalidSchema => "invalid_schema",
        RegistryErrorCode.UnsupportedSchemaType => "unsupported_schema_type",
        RegistryErrorCode.Incompatible => "incompatible",
        RegistryErrorCode.IllegalTransition => "illegal_transition",
        RegistryErrorCode.ReferenceExists => "reference_exists",
        RegistryErrorCode.ReferenceNotFound => "reference_not_found",
        RegistryErrorCode.InvalidSemver => "invalid_semver",
        RegistryErrorCode.OperationNotPermitted => "operation_not_permitted",
        RegistryErrorCode.VersionArchived => "version_archived",
        RegistryErrorCode.InvalidCompatibilityLevel => "invalid_compatibility_level",
        RegistryErrorCode.InvalidMode => "invalid_mode",
        RegistryErrorCode.InvalidVersion => "invalid_version",
        RegistryErrorCode.IdConflict => "id_conflict",
        RegistryErrorCode.ConcurrentModification => "concurrent_modification",
        RegistryErrorCode.TooLarge => "too_large",
        RegistryErrorCode.StoreUnavailable => "store_unavailable",
        RegistryErrorCode.Overloaded => "overloaded",
        RegistryErrorCode.TooComplex => "too_complex",
        RegistryErrorCode.Unauthenticated => "unauthenticated",
        RegistryErrorCode.Forbidden => "forbidden",
        RegistryErrorCode.RateLimited => "rate_limited",
        RegistryErrorCode.AliasNotFound => "alias_not_found",
        RegistryErrorCode.AliasProtected => "alias_protected",
        RegistryErrorCode.AliasTargetInvalid => "alias_target_invalid",
        RegistryErrorCode.SchemaTypeMismatch => "schema_type_mismatch",
        RegistryErrorCode.VersionAliased => "version_aliased",
        RegistryErrorCode.ToolSetNotFound => "toolset_not_found",
        RegistryErrorCode.InvalidVariables => "invalid_variables",
        RegistryErrorCode.InvalidRuleSet => "invalid_rule_set",
        _ => "store_error",
    };

    public static ErrorResponse Body(RegistryException e)
    {
        List<DifferenceModel>? differences = null;
        if (e.Code == RegistryErrorCode.Incompatible)
        {
            differences = NativeMapping.Differences(e.Differences);
        }

        List<SchemaErrorModel>? errors = null;
        if (e.Code is RegistryErrorCode.InvalidSchema or RegistryErrorCode.InvalidVariables && e.SchemaErrors.Count > 0)
        {
            errors = new List<SchemaErrorModel>(e.SchemaErrors.Count);
            foreach (var s in e.SchemaErrors)
            {
                errors.Add(new SchemaErrorModel(s.SchemaLocation, s.Message));
            }
        }

        return new ErrorResponse { ErrorCode = Name(e.Code), Message = e.Message, Differences = differences, Errors = errors };
    }
}
