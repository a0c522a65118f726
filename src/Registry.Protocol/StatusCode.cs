namespace Registry.Protocol;

/// <summary>
/// Outcome of a request: the second element of every response envelope. Zero is success; every other value names
/// one reason, grouped by tens: 1-9 the request or frame, 10-19 authentication, 20-29 something not found, 30-49
/// the registry's rules, 50-59 the server. Values are stable and all fit in one MessagePack byte.
/// </summary>
public enum StatusCode
{
    /// <summary>Success; the body is the opcode's response.</summary>
    Ok = 0,

    /// <summary>The payload is not MessagePack, or not the shape the opcode requires (wrong type, missing field, truncated, trailing bytes, invalid UTF-8).</summary>
    MalformedFrame = 1,

    /// <summary>The opcode is not defined by the negotiated protocol version.</summary>
    UnknownOpcode = 2,

    /// <summary>The shape is right but a value is not (a version of 0, an unknown enum value, an empty subject, both or neither validation target...).</summary>
    BadRequest = 3,

    /// <summary>A field, a list or the response would exceed a limit.</summary>
    TooLarge = 4,

    /// <summary>HELLO: the client's range of protocol versions does not meet the server's.</summary>
    UnsupportedVersion = 5,

    /// <summary>An opcode other than PING or HELLO arrived before a successful HELLO.</summary>
    HandshakeRequired = 6,

    /// <summary>Credentials are missing or wrong.</summary>
    Unauthenticated = 10,

    /// <summary>The credentials do not allow this operation.</summary>
    Forbidden = 11,

    /// <summary>No schema has that id.</summary>
    SchemaNotFound = 20,

    /// <summary>No subject has that name (or it is soft-deleted and deleted ones were not asked for).</summary>
    SubjectNotFound = 21,

    /// <summary>The subject has no such version.</summary>
    VersionNotFound = 22,

    /// <summary>A reference names a subject or version that does not exist.</summary>
    ReferenceNotFound = 23,

    /// <summary>The schema is not valid JSON or not a valid JSON Schema; the error body lists why.</summary>
    InvalidSchema = 30,

    /// <summary>The schema breaks the subject's compatibility level; the error body lists the differences.</summary>
    Incompatible = 31,

    /// <summary>The lifecycle transition is not allowed (e.g. ARCHIVED to ACTIVE).</summary>
    IllegalTransition = 32,

    /// <summary>The registry or subject mode forbids the operation (a write in READONLY, an explicit id outside IMPORT).</summary>
    ModeForbids = 33,

    /// <summary>Validation against an ARCHIVED version is refused.</summary>
    VersionArchived = 34,

    /// <summary>A hard delete of a version that another version still references.</summary>
    StillReferenced = 35,

    /// <summary>A hard delete of something that was not soft-deleted first.</summary>
    NotSoftDeleted = 36,

    /// <summary>The semantic-version label does not increase over the subject's previous label.</summary>
    SemVerNotIncreasing = 37,

    /// <summary>IMPORT: the explicit id or version is already taken by other content.</summary>
    Conflict = 38,

    /// <summary>Compiling, validating or comparing needs more work than one request may use; the message says what was too costly.</summary>
    TooComplex = 39,

    /// <summary>The principal or source address has used its request budget; retry later.</summary>
    RateLimited = 40,

    // 45-49 belong to aliases and artifacts.

    /// <summary>The schema type does not fit: a version of another type than its subject's, a reference to a subject of a type that may not be referenced, or a non-JSON version asked for on a connection older than protocol version 3.</summary>
    SchemaTypeMismatch = 45,

    /// <summary>The subject has no alias of that name.</summary>
    AliasNotFound = 46,

    /// <summary>The alias is protected: only an administrator's forced request moves or deletes it.</summary>
    AliasProtected = 47,

    /// <summary>An alias and a version disagree: an alias cannot point at a DRAFT, ARCHIVED or deleted version, and an aliased version cannot be deleted or archived.</summary>
    AliasConflict = 48,

    /// <summary>No tool set of that name (tool sets are served over HTTP today; the status keeps the mapping exact).</summary>
    ToolSetNotFound = 49,

    /// <summary>An unexpected failure in the server; the message says no more than is safe.</summary>
    Internal = 50,

    /// <summary>A required store (the system of record) cannot be reached; retry later.</summary>
    Unavailable = 51,

    /// <summary>The server is shedding load; retry with back-off.</summary>
    Overloaded = 52,

    /// <summary>The server has as many connections as it accepts; sent with request id 0 before closing.</summary>
    TooManyConnections = 53,

    /// <summary>The server gave up waiting on a store within its time limit.</summary>
    Timeout = 54,

    /// <summary>The server is stopping and takes no new requests; reconnect elsewhere or later.</summary>
    ShuttingDown = 55,
}
