namespace Registry.Server.Tests.CrossApi;

/// <summary>
/// How a step may end, in the engine's terms. Each API answers an outcome in its own words (an HTTP status and a
/// snake_case code, a Confluent number, a protocol status); <see cref="ApiDriver.CodeFor"/> says which.
/// </summary>
public enum Outcome
{
    Ok,
    SubjectNotFound,
    VersionNotFound,
    Incompatible,
    ModeForbids,
    IdConflict,
    IllegalTransition,
    ReferenceExists,
    VersionArchived,
    InvalidRequest,

    /// <summary>The request needed more work than its budget allows (issue 13).</summary>
    TooComplex,
}

/// <summary>A reference from a schema to a version of another subject.</summary>
public sealed record Reference(string Name, string Subject, int Version);

/// <summary>
/// What an API answered: its own code for the outcome ("ok" for success) and the facts every API reports, when it
/// reports them. <paramref name="Via"/> is set when the API does not offer the operation and the step went to the
/// engine directly instead.
/// </summary>
public sealed record Answer(string Code, long? SchemaId = null, int? Version = null, bool? Valid = null, bool? Warned = null, string? Via = null)
{
    public const string OkCode = "ok";

    public static Answer Ok(long? schemaId = null, int? version = null, bool? valid = null, bool? warned = null) => new(OkCode, schemaId, version, valid, warned);
}

/// <summary>
/// One API seen by the agreement suite: the operations the scenarios use, each answered as an <see cref="Answer"/>
/// (a refusal is an answer, never an exception). Modes and levels are given by their wire names.
/// </summary>
public abstract class ApiDriver : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Where the steps this API does not offer go (their answers are in that driver's words), or null.</summary>
    public virtual ApiDriver? Fallback => null;

    /// <summary>The code this API answers <paramref name="outcome"/> with.</summary>
    public abstract string CodeFor(Outcome outcome);

    public abstract Task<Answer> RegisterAsync(string subject, string schema, Reference[]? references = null, int? id = null, int? version = null);

    public abstract Task<Answer> GetVersionAsync(string subject, int version);

    public abstract Task<Answer> DeleteVersionAsync(string subject, int version, bool permanent = false);

    /// <summary>Sets the mode of a subject, or of the registry when <paramref name="subject"/> is null (without force).</summary>
    public abstract Task<Answer> SetModeAsync(string? subject, string mode);

    /// <summary>Sets the compatibility level of a subject, or of the registry when <paramref name="subject"/> is null.</summary>
    public abstract Task<Answer> SetLevelAsync(string? subject, string level);

    public abstract Task<Answer> ChangeStateAsync(string subject, int version, string state);

    /// <summary>Validates a document against a version; the answer says whether it is valid and whether a warning came.</summary>
    public abstract Task<Answer> ValidateAsync(string subject, int version, string document);

    public abstract Task<Answer> ValidateByIdAsync(long schemaId, string document);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => Name;
}
