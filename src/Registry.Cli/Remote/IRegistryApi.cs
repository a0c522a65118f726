namespace Registry.Cli.Remote;

/// <summary>Which soft-deleted subjects or versions a listing includes.</summary>
internal enum DeletedFilter
{
    Exclude,
    Include,
    Only,
}

/// <summary>A schema sent to the server: its text, references and type.</summary>
internal sealed record SchemaInput(ReadOnlyMemory<byte> Schema, IReadOnlyList<ReferenceModel> References, string? SchemaType = null);

/// <summary>What <c>registry schemas register</c> sends.</summary>
internal sealed record RegisterInput
{
    public required SchemaInput Schema { get; init; }

    public MetadataModel? Metadata { get; init; }

    public string? Semver { get; init; }

    public string? State { get; init; }

    public bool Normalize { get; init; }

    public long? Id { get; init; }

    public int? Version { get; init; }
}

/// <summary>What <c>registry versions state</c> sends.</summary>
internal sealed record StateChange(string State, string? Reason, DateTimeOffset? Sunset, string? Replacement);

/// <summary>
/// The registry operations the remote commands use, over one transport: the native HTTP API or the binary protocol.
/// A refusal throws <see cref="RemoteException"/>. Versions are <c>latest</c> or a number, as the HTTP API spells them.
/// </summary>
internal interface IRegistryApi : IAsyncDisposable
{
    /// <summary>"HTTP" or "binary", for messages.</summary>
    string Transport { get; }

    /// <summary>GET /health over HTTP, PING over the binary protocol.</summary>
    Task<HealthModel> HealthAsync(CancellationToken ct);

    Task<IReadOnlyList<string>> ListSubjectsAsync(string? prefix, DeletedFilter deleted, int offset, int limit, CancellationToken ct);

    Task<IReadOnlyList<VersionSummary>> ListVersionsAsync(string subject, DeletedFilter deleted, IProgress<(int Done, int Total)>? progress, CancellationToken ct);

    Task<VersionModel> GetVersionAsync(string subject, string version, bool deleted, CancellationToken ct);

    Task<DeleteModel> DeleteSubjectAsync(string subject, bool permanent, CancellationToken ct);

    Task<DeleteModel> DeleteVersionAsync(string subject, string version, bool permanent, CancellationToken ct);

    Task<SchemaModel> GetSchemaAsync(long id, CancellationToken ct);

    Task<IReadOnlyList<VersionUsageModel>> GetSchemaUsagesAsync(long id, CancellationToken ct);

    Task<RegisterResultModel> RegisterAsync(string subject, RegisterInput input, CancellationToken ct);

    Task<VersionModel> LookupAsync(string subject, SchemaInput input, bool deleted, CancellationToken ct);

    Task<CompatibilityModel> CheckCompatibilityAsync(string subject, SchemaInput input, string? version, CancellationToken ct);

    Task<VersionModel> ChangeStateAsync(string subject, string version, StateChange change, CancellationToken ct);

    Task<VersionModel> UpdateMetadataAsync(string subject, string version, MetadataModel metadata, CancellationToken ct);

    Task<ConfigModel> GetGlobalConfigAsync(CancellationToken ct);

    Task<SubjectConfigModel> GetSubjectConfigAsync(string subject, CancellationToken ct);

    Task<ConfigModel> SetGlobalConfigAsync(string? level, string? policy, CancellationToken ct);

    Task<SubjectConfigModel> SetSubjectConfigAsync(string subject, string? level, string? policy, CancellationToken ct);

    Task<SubjectConfigModel> ClearSubjectConfigAsync(string subject, CancellationToken ct);

    Task<ModeModel> GetModeAsync(string? subject, CancellationToken ct);

    Task<ModeModel> SetModeAsync(string? subject, string mode, bool force, CancellationToken ct);

    Task<ModeModel> ClearModeAsync(string subject, CancellationToken ct);

    Task<ValidateModel> ValidateAsync(string subject, string version, ReadOnlyMemory<byte> document, int maxErrors, CancellationToken ct);

    /// <summary>A registered version (references resolved on the server) linted against each of <paramref name="profiles"/>.</summary>
    Task<IReadOnlyList<LintReportModel>> LintVersionAsync(string subject, string version, IReadOnlyList<string> profiles, CancellationToken ct);

    /// <summary>
    /// check-output against a version: the server's JSON answer (the body of HTTP <c>check-output</c>; over the binary
    /// protocol CHECK_OUTPUT's result, the same bytes).
    /// </summary>
    Task<byte[]> CheckOutputAsync(string subject, string version, ReadOnlyMemory<byte> output, OutputCheckArgs args, CancellationToken ct);

    /// <summary>The names of the tool sets (GET /v1/toolsets; TOOLSET LIST).</summary>
    Task<IReadOnlyList<string>> ListToolSetsAsync(CancellationToken ct);

    /// <summary>A tool set as stored (GET /v1/toolsets/{name}; TOOLSET GET).</summary>
    Task<ToolSetModel> GetToolSetAsync(string name, CancellationToken ct);

    /// <summary>Creates or replaces a tool set (PUT /v1/toolsets/{name}; TOOLSET PUT); says whether it is new.</summary>
    Task<(ToolSetModel Set, bool Created)> PutToolSetAsync(string name, IReadOnlyList<ToolSetToolModel> tools, CancellationToken ct);

    /// <summary>Removes a tool set (DELETE /v1/toolsets/{name}; TOOLSET DELETE).</summary>
    Task DeleteToolSetAsync(string name, CancellationToken ct);

    /// <summary>
    /// The set checked as one request against <paramref name="profiles"/> (every profile when empty): the server's JSON
    /// <c>{"name", "accepted", "reports": [...]}</c> (POST /v1/toolsets/{name}/check, once per profile over HTTP; one TOOLSET CHECK).
    /// </summary>
    Task<byte[]> CheckToolSetAsync(string name, IReadOnlyList<string> profiles, CancellationToken ct);

    /// <summary>The set's tools in a provider's format (GET /v1/toolsets/{name}?format=; TOOLSET EXPORT).</summary>
    Task<byte[]> ExportToolSetAsync(string name, string format, bool transform, CancellationToken ct);

    /// <summary>POST /v1/keys (admins): the answer holds the whole key, the only time it is shown.</summary>
    Task<KeyModel> CreateKeyAsync(KeyInput input, CancellationToken ct);

    /// <summary>GET /v1/keys (admins): every key, without secrets.</summary>
    Task<IReadOnlyList<KeyModel>> ListKeysAsync(CancellationToken ct);

    /// <summary>DELETE /v1/keys/{id} (admins).</summary>
    Task<KeyModel> RevokeKeyAsync(string keyId, CancellationToken ct);

    /// <summary>GET /v1/audit (admins): one page of rows after <see cref="AuditFilter.After"/>.</summary>
    Task<AuditPageModel> ReadAuditAsync(AuditFilter filter, CancellationToken ct);

    /// <summary>GET /v1/audit/verify (admins): the hash chain recomputed on the server.</summary>
    Task<AuditVerifyModel> VerifyAuditAsync(CancellationToken ct);
}

/// <summary>What <c>registry keys create</c> sends.</summary>
internal sealed record KeyInput(string Role, IReadOnlyList<string> Grants, DateTimeOffset? ExpiresAt, string? Description);

/// <summary>Which audit rows <c>registry audit list</c> asks for.</summary>
internal sealed record AuditFilter(string? Subject, string? Principal, DateTimeOffset? Since, long? After, int Limit);

/// <summary>The options of a remote check-output, as the HTTP query and CHECK_OUTPUT take them.</summary>
/// <param name="Repair">none, all, or a comma-separated list of repair names.</param>
/// <param name="Extract">Find the JSON in fences or prose.</param>
/// <param name="Partial">The output is a prefix of a stream.</param>
/// <param name="Profile">The provider profile the output was generated under, or null.</param>
/// <param name="ToolCallId">The id put into the feedback's provider messages, or null.</param>
internal sealed record OutputCheckArgs(string Repair, bool Extract, bool Partial, string? Profile, string? ToolCallId);
