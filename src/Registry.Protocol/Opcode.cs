namespace Registry.Protocol;

/// <summary>
/// What a request asks for. The value is the second element of every request envelope. Values are stable: a new
/// operation gets a new value, an old value is never reused. See <c>docs/protocol.md</c> for each body.
/// </summary>
public enum Opcode
{
    /// <summary>Liveness check; allowed before <see cref="Hello"/>. Request and response bodies are nil.</summary>
    Ping = 0,

    /// <summary>Handshake: protocol version negotiation, client name, credentials.</summary>
    Hello = 1,

    /// <summary>A schema's content by its global id (hot path).</summary>
    GetSchemaById = 2,

    /// <summary>A subject's version (or its latest) with the schema and the version's facts.</summary>
    GetVersion = 3,

    /// <summary>Subject names, optionally filtered by prefix, one page at a time.</summary>
    ListSubjects = 4,

    /// <summary>A subject's version numbers.</summary>
    ListVersions = 5,

    /// <summary>Registers a schema under a subject (mutating).</summary>
    Register = 6,

    /// <summary>Checks a schema against a subject's versions without registering it.</summary>
    CheckCompatibility = 7,

    /// <summary>Validates one document against a schema id or a subject's version (hot path).</summary>
    Validate = 8,

    /// <summary>Validates several documents against one schema.</summary>
    ValidateBatch = 9,

    /// <summary>Changes a version's lifecycle state, semantic-version label, metadata or deprecation (mutating).</summary>
    UpdateVersion = 10,

    /// <summary>Soft- or hard-deletes a version or a whole subject (mutating).</summary>
    Delete = 11,

    /// <summary>Reads the global or a subject's configuration.</summary>
    GetConfig = 12,

    /// <summary>Changes the global or a subject's configuration (mutating).</summary>
    SetConfig = 13,

    /// <summary>Which subjects and versions use a schema id.</summary>
    ListSchemaUsages = 14,

    /// <summary>Which subjects and versions reference a given version.</summary>
    ListReferencedBy = 15,

    /// <summary>Lints a schema or a subject's version against provider profiles.</summary>
    Lint = 16,

    /// <summary>Checks a model's raw output against a schema id or a subject's version: extraction, repairs, truncation, validation, feedback.</summary>
    CheckOutput = 17,

    /// <summary>Opens a partial-validation session on the connection, fed by <see cref="StreamChunk"/>.</summary>
    StreamOpen = 18,

    /// <summary>Feeds the next bytes of a streamed document to a session; the last one has the final flag.</summary>
    StreamChunk = 19,

    /// <summary>
    /// Tool sets: list, read, create or replace, delete, check against profiles, export in a provider's format (the
    /// action is a field of the body). A barrier whatever the action, so a pipeline reads the sets it wrote.
    /// </summary>
    ToolSet = 20,
}

/// <summary>Facts about opcodes that the server and the client both need.</summary>
public static class Opcodes
{
    /// <summary>The highest opcode value defined by this version of the protocol.</summary>
    public const Opcode Last = Opcode.ToolSet;

    /// <summary>True when <paramref name="opcode"/> is defined by this version of the protocol.</summary>
    public static bool IsDefined(Opcode opcode) => (uint)opcode <= (uint)Last;

    /// <summary>
    /// True for requests that change state or connection state. They are barriers in a pipeline: the server starts
    /// one only after every earlier request on the connection has completed, and starts nothing after it until it
    /// has completed, so a client reads its own writes even when it pipelines.
    /// </summary>
    public static bool IsBarrier(Opcode opcode) => opcode is Opcode.Hello or Opcode.Register or Opcode.UpdateVersion
        or Opcode.Delete or Opcode.SetConfig or Opcode.ToolSet;

    /// <summary>The stable upper-case name used in documentation, logs and metrics (e.g. <c>GET_SCHEMA_BY_ID</c>).</summary>
    public static string GetName(Opcode opcode) => opcode switch
    {
        Opcode.Ping => "PING",
        Opcode.Hello => "HELLO",
        Opcode.GetSchemaById => "GET_SCHEMA_BY_ID",
        Opcode.GetVersion => "GET_VERSION",
        Opcode.ListSubjects => "LIST_SUBJECTS",
        Opcode.ListVersions => "LIST_VERSIONS",
        Opcode.Register => "REGISTER",
        Opcode.CheckCompatibility => "CHECK_COMPATIBILITY",
        Opcode.Validate => "VALIDATE",
        Opcode.ValidateBatch => "VALIDATE_BATCH",
        Opcode.UpdateVersion => "UPDATE_VERSION",
        Opcode.Delete => "DELETE",
        Opcode.GetConfig => "GET_CONFIG",
        Opcode.SetConfig => "SET_CONFIG",
        Opcode.ListSchemaUsages => "LIST_SCHEMA_USAGES",
        Opcode.ListReferencedBy => "LIST_REFERENCED_BY",
        Opcode.Lint => "LINT",
        Opcode.CheckOutput => "CHECK_OUTPUT",
        Opcode.StreamOpen => "STREAM_OPEN",
        Opcode.StreamChunk => "STREAM_CHUNK",
        Opcode.ToolSet => "TOOLSET",
        _ => "UNKNOWN",
    };
}
