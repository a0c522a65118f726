namespace Registry.Engine;

/// <summary>
/// Every reason the engine refuses a request. Each adapter maps these once: the native HTTP API to a status and a
/// snake_case <c>error_code</c>, the Confluent API to its numeric codes, the binary protocol to status codes.
/// Values are stable: append, never renumber.
/// </summary>
public enum RegistryErrorCode
{
    /// <summary>An argument is malformed: subject name, version, paging, a request field.</summary>
    InvalidRequest = 1,

    /// <summary>The subject does not exist (or has no live version and deleted ones were not asked for).</summary>
    SubjectNotFound = 2,

    /// <summary>The version does not exist in the subject (or is soft-deleted and deleted ones were not asked for).</summary>
    VersionNotFound = 3,

    /// <summary>No schema has this id (or every version using it was hard-deleted), or the content is not under the subject.</summary>
    SchemaNotFound = 4,

    /// <summary>The subject is already soft-deleted (Confluent 40404).</summary>
    SubjectSoftDeleted = 5,

    /// <summary>A hard delete of a subject that was not soft-deleted first (Confluent 40405).</summary>
    SubjectNotSoftDeleted = 6,

    /// <summary>The version is already soft-deleted (Confluent 40406).</summary>
    VersionSoftDeleted = 7,

    /// <summary>A hard delete of a version that was not soft-deleted first (Confluent 40407).</summary>
    VersionNotSoftDeleted = 8,

    /// <summary>The schema is not valid JSON or not a valid JSON Schema; the compiler's errors are attached.</summary>
    InvalidSchema = 9,

    /// <summary>The schema type is not one the engine knows (JSON, TOOL, AGENT_CARD), or the operation does not apply to it.</summary>
    UnsupportedSchemaType = 10,

    /// <summary>The schema is incompatible with earlier versions under the subject's level; the differences are attached.</summary>
    Incompatible = 11,

    /// <summary>The lifecycle transition is not allowed (e.g. ACTIVE → ARCHIVED).</summary>
    IllegalTransition = 12,

    /// <summary>The version is referenced by another version and cannot be deleted (Confluent 42206).</summary>
    ReferenceExists = 13,

    /// <summary>A reference names a subject/version that does not exist.</summary>
    ReferenceNotFound = 14,

    /// <summary>The semantic-version label is malformed or does not increase.</summary>
    InvalidSemver = 15,

    /// <summary>The mode forbids the operation (READONLY, explicit ids outside IMPORT, IMPORT on a non-empty subject without force).</summary>
    OperationNotPermitted = 16,

    /// <summary>Validation against an ARCHIVED version is refused.</summary>
    VersionArchived = 17,

    /// <summary>The compatibility level name is unknown (Confluent 42203).</summary>
    InvalidCompatibilityLevel = 18,

    /// <summary>The mode name is unknown (Confluent 42204).</summary>
    InvalidMode = 19,

    /// <summary>The version is not a positive integer or <c>latest</c> (Confluent 42202).</summary>
    InvalidVersion = 20,

    /// <summary>An explicit id or version (IMPORT mode) collides with different content or an existing version.</summary>
    IdConflict = 21,

    /// <summary>Too many concurrent writers changed the subject while this write was being prepared; retry.</summary>
    ConcurrentModification = 22,

    /// <summary>A document or schema is above a size or nesting limit.</summary>
    TooLarge = 23,

    /// <summary>The system of record cannot be reached; retry later.</summary>
    StoreUnavailable = 24,

    /// <summary>The store failed unexpectedly.</summary>
    StoreError = 25,

    /// <summary>Too many expensive operations are queued for the work gate already; retry later.</summary>
    Overloaded = 26,

    /// <summary>
    /// Compiling, validating or comparing needed more work than one request may use (steps, memory or regex time;
    /// see <c>Registry:Engine:MaxWorkSteps</c> and its neighbours); the message names what was too costly.
    /// </summary>
    TooComplex = 27,

    /// <summary>Authentication is required and no credentials, or refused credentials (unknown, wrong, expired, revoked), were sent.</summary>
    Unauthenticated = 30,

    /// <summary>The principal's role or grants do not cover the operation.</summary>
    Forbidden = 31,

    /// <summary>The principal or source address has used its request budget; retry after the time given.</summary>
    RateLimited = 32,

    // 35-44 belong to artifacts and aliases.

    /// <summary>The subject has no alias of that name.</summary>
    AliasNotFound = 35,

    /// <summary>The alias is protected: only a forced request (an administrator's) may move or delete it.</summary>
    AliasProtected = 36,

    /// <summary>An alias may point only at a live ACTIVE or DEPRECATED version, not a DRAFT, ARCHIVED or soft-deleted one.</summary>
    AliasTargetInvalid = 37,

    /// <summary>The version is pointed at by an alias: it cannot be deleted or archived until the alias moves.</summary>
    VersionAliased = 38,

    /// <summary>
    /// The schema type does not fit: a version of another type than the subject's (fixed by its first version), or a
    /// reference to a subject of a type the referencing type may not reference (an AGENT_CARD references TOOL subjects only).
    /// </summary>
    SchemaTypeMismatch = 39,

    /// <summary>There is no tool set of that name.</summary>
    ToolSetNotFound = 45,

    /// <summary>A prompt's variables are refused by its variables schema, or a variable the template writes is missing or not text (details per variable).</summary>
    InvalidVariables = 46,

    /// <summary>A data contract's rule set is refused: a rule without a name or type, a duplicate name, a mode its phase does not allow.</summary>
    InvalidRuleSet = 47,
}
