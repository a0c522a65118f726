using System.Globalization;
using System.Text.Json;
using Registry.Client;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Status = Registry.Protocol.StatusCode;

namespace Registry.Cli.Remote;

/// <summary>
/// The registry's binary protocol through <see cref="RegistryClient"/>. What the protocol has no operation for (lookup,
/// removing a subject's own settings, forcing IMPORT mode, normalising, listing only deleted subjects) is refused with
/// <see cref="RemoteFailure.NotSupported"/>; facts its messages do not carry (content hash, update time) stay null.
/// </summary>
internal sealed class BinaryRegistryApi : IRegistryApi
{
    private const int Page = 1000;
    private readonly RegistryClient _client;
    private readonly string _endpoint;

    public BinaryRegistryApi(string endpoint, TimeSpan timeout, RemoteSecurity? security = null, bool tls = false)
    {
        _endpoint = endpoint;
        _client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [endpoint],
            PoolSize = 1,
            ClientName = "registry-cli",
            Credentials = security?.BinaryCredentials,
            Tls = (security ?? RemoteSecurity.None).BinaryTls(tls),
            RequestTimeout = timeout,
            ConnectTimeout = timeout,
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
        });
    }

    public string Transport => "binary";

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    public Task<HealthModel> HealthAsync(CancellationToken ct) =>
        CallAsync(async () => new HealthModel("ok", null, (await _client.PingAsync(ct)).TotalMilliseconds));

    public Task<IReadOnlyList<string>> ListSubjectsAsync(string? prefix, DeletedFilter deleted, int offset, int limit, CancellationToken ct) =>
        CallAsync(async () =>
        {
            if (deleted == DeletedFilter.Only)
            {
                throw RemoteException.NotSupported("Listing only deleted subjects");
            }

            var names = new List<string>();
            while (limit < 0 || names.Count < limit)
            {
                var size = limit < 0 ? Page : Math.Min(Page, limit - names.Count);
                var page = await _client.ListSubjectsAsync(prefix, deleted == DeletedFilter.Include, offset, size, ct);
                names.AddRange(page.Subjects);
                offset += page.Subjects.Count;
                if (!page.HasMore || page.Subjects.Count == 0)
                {
                    break;
                }
            }

            return (IReadOnlyList<string>)names;
        });

    public Task<IReadOnlyList<VersionSummary>> ListVersionsAsync(string subject, DeletedFilter deleted, IProgress<(int Done, int Total)>? progress, CancellationToken ct) =>
        CallAsync(async () =>
        {
            // LIST_VERSIONS gives numbers only; each version's id and state come from GET_VERSION, pipelined.
            var numbers = await _client.ListVersionsAsync(subject, deleted != DeletedFilter.Exclude, ct);
            var done = 0;
            var versions = await Task.WhenAll(numbers.Select(async number =>
            {
                var version = await _client.GetVersionAsync(subject, number, includeDeleted: deleted != DeletedFilter.Exclude, ct);
                progress?.Report((Interlocked.Increment(ref done), numbers.Count));
                return version.Info;
            }));
            var list = new List<VersionSummary>(versions.Length);
            foreach (var info in versions)
            {
                if (deleted != DeletedFilter.Only || info.Deleted)
                {
                    list.Add(new VersionSummary(info.Version, info.SchemaId, ApiNames.State(info.State), info.Deleted, info.SemVer));
                }
            }

            return (IReadOnlyList<VersionSummary>)list;
        });

    public Task<VersionModel> GetVersionAsync(string subject, string version, bool deleted, CancellationToken ct) =>
        CallAsync(async () => Version(await _client.GetVersionAsync(subject, Target(version), deleted, ct)));

    public Task<DeleteModel> DeleteSubjectAsync(string subject, bool permanent, CancellationToken ct) =>
        CallAsync(async () => new DeleteModel(subject, await _client.DeleteAsync(subject, null, permanent, ct), permanent));

    public Task<DeleteModel> DeleteVersionAsync(string subject, string version, bool permanent, CancellationToken ct) =>
        CallAsync(async () => new DeleteModel(subject, await _client.DeleteAsync(subject, VersionNumber(version), permanent, ct), permanent));

    public Task<SchemaModel> GetSchemaAsync(long id, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var schema = await _client.FetchSchemaAsync(SchemaId(id), ct);
            return new SchemaModel { Id = schema.Id, SchemaType = TypeName(schema.SchemaType), Schema = Parse(schema.Content), References = References(schema.References) };
        });

    public Task<IReadOnlyList<VersionUsageModel>> GetSchemaUsagesAsync(long id, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var usages = await _client.ListSchemaUsagesAsync(SchemaId(id), ct);
            return (IReadOnlyList<VersionUsageModel>)usages.Select(u => new VersionUsageModel(u.Subject, u.Version, id, null, null)).ToList();
        });

    public Task<RegisterResultModel> RegisterAsync(string subject, RegisterInput input, CancellationToken ct) =>
        CallAsync(async () =>
        {
            if (input.Normalize)
            {
                throw RemoteException.NotSupported("--normalize");
            }

            var result = await _client.RegisterAsync(new RegisterRequest
            {
                Subject = subject,
                SchemaType = SchemaTypeOf(input.Schema),
                Schema = input.Schema.Schema,
                References = References(input.Schema.References),
                SemVer = input.Semver,
                Metadata = input.Metadata is { } m ? Metadata(m) : null,
                State = input.State is { } state ? ApiNames.ParseState(state) : null,
                ImportSchemaId = input.Id is { } id ? SchemaId(id) : null,
                ImportVersion = input.Version,
            }, ct);
            return new RegisterResultModel
            {
                Subject = subject,
                Version = result.Version,
                Id = result.SchemaId,
                Created = result.Created,
                SuggestedBump = ApiNames.Bump(result.SuggestedBump),
            };
        });

    public Task<VersionModel> LookupAsync(string subject, SchemaInput input, bool deleted, CancellationToken ct) =>
        Task.FromException<VersionModel>(RemoteException.NotSupported("Looking a schema up"));

    public Task<CompatibilityModel> CheckCompatibilityAsync(string subject, SchemaInput input, string? version, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var result = await _client.CheckCompatibilityAsync(new CheckCompatibilityRequest
            {
                Subject = subject,
                Version = version is null ? null : VersionNumber(version),
                SchemaType = SchemaTypeOf(input),
                Schema = input.Schema,
                References = References(input.References),
            }, ct);

            // CHECK_COMPATIBILITY does not say which level and policy it applied; they are the subject's in force
            // (against one version, the level without its transitivity, as the server does).
            var config = await _client.GetConfigAsync(subject, effective: true, ct);
            var level = config.Level;
            if (version is not null && level is { } l)
            {
                level = l switch
                {
                    CompatibilityLevel.BackwardTransitive => CompatibilityLevel.Backward,
                    CompatibilityLevel.ForwardTransitive => CompatibilityLevel.Forward,
                    CompatibilityLevel.FullTransitive => CompatibilityLevel.Full,
                    _ => l,
                };
            }

            var compared = new SortedSet<int>();
            foreach (var d in result.Differences)
            {
                if (d.EarlierVersion is { } v)
                {
                    compared.Add(v);
                }
            }

            return new CompatibilityModel
            {
                IsCompatible = result.IsCompatible,
                Level = level is { } lv ? ApiNames.Level(lv) : null,
                Policy = config.Policy is { } p ? ApiNames.Policy(p) : null,
                ComparedVersions = [.. compared],
                Differences = Differences(result.Differences),
                SuggestedBump = ApiNames.Bump(result.SuggestedBump),
            };
        });

    public Task<VersionModel> ChangeStateAsync(string subject, string version, StateChange change, CancellationToken ct) =>
        CallAsync(async () =>
        {
            Deprecation? deprecation = null;
            if (change.Reason is not null || change.Sunset is not null || change.Replacement is not null)
            {
                var (replacementSubject, replacementVersion) = SplitReplacement(change.Replacement);
                deprecation = new Deprecation { Reason = change.Reason, SunsetAt = change.Sunset, ReplacementSubject = replacementSubject, ReplacementVersion = replacementVersion };
            }

            var number = await ResolveAsync(subject, version, ct);
            await _client.UpdateVersionAsync(new UpdateVersionRequest
            {
                Subject = subject,
                Version = number,
                State = ApiNames.ParseState(change.State),
                Deprecation = deprecation,
            }, ct);
            return Version(await _client.GetVersionAsync(subject, number, includeDeleted: true, ct));
        });

    public Task<VersionModel> UpdateMetadataAsync(string subject, string version, MetadataModel metadata, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var number = await ResolveAsync(subject, version, ct);
            await _client.UpdateVersionAsync(new UpdateVersionRequest { Subject = subject, Version = number, Metadata = Metadata(metadata) }, ct);
            return Version(await _client.GetVersionAsync(subject, number, includeDeleted: true, ct));
        });

    public Task<ConfigModel> GetGlobalConfigAsync(CancellationToken ct) =>
        CallAsync(async () => Config(await _client.GetConfigAsync(null, effective: true, ct)));

    public Task<SubjectConfigModel> GetSubjectConfigAsync(string subject, CancellationToken ct) =>
        CallAsync(async () => new SubjectConfigModel(
            subject,
            Config(await _client.GetConfigAsync(subject, effective: false, ct)),
            Config(await _client.GetConfigAsync(subject, effective: true, ct))));

    public Task<ConfigModel> SetGlobalConfigAsync(string? level, string? policy, CancellationToken ct) =>
        CallAsync(async () =>
        {
            await _client.SetConfigAsync(new SetConfigRequest
            {
                Level = level is null ? null : ApiNames.ParseLevel(level),
                Policy = policy is null ? null : ApiNames.ParsePolicy(policy),
            }, ct);
            return Config(await _client.GetConfigAsync(null, effective: true, ct));
        });

    public async Task<SubjectConfigModel> SetSubjectConfigAsync(string subject, string? level, string? policy, CancellationToken ct)
    {
        await CallAsync(async () => await _client.SetConfigAsync(new SetConfigRequest
        {
            Subject = subject,
            Level = level is null ? null : ApiNames.ParseLevel(level),
            Policy = policy is null ? null : ApiNames.ParsePolicy(policy),
        }, ct));
        return await GetSubjectConfigAsync(subject, ct);
    }

    public Task<SubjectConfigModel> ClearSubjectConfigAsync(string subject, CancellationToken ct) =>
        Task.FromException<SubjectConfigModel>(RemoteException.NotSupported("Removing a subject's own settings"));

    public Task<ModeModel> GetModeAsync(string? subject, CancellationToken ct) =>
        CallAsync(async () => new ModeModel(ApiNames.Mode((await _client.GetConfigAsync(subject, effective: true, ct)).Mode ?? RegistryMode.ReadWrite)));

    public Task<ModeModel> SetModeAsync(string? subject, string mode, bool force, CancellationToken ct) =>
        CallAsync(async () =>
        {
            if (force)
            {
                throw RemoteException.NotSupported("--force");
            }

            await _client.SetConfigAsync(new SetConfigRequest { Subject = subject, Mode = ApiNames.ParseMode(mode) }, ct);
            return new ModeModel(ApiNames.Mode((await _client.GetConfigAsync(subject, effective: true, ct)).Mode ?? RegistryMode.ReadWrite));
        });

    public Task<ModeModel> ClearModeAsync(string subject, CancellationToken ct) =>
        Task.FromException<ModeModel>(RemoteException.NotSupported("Removing a subject's own mode"));

    public Task<ValidateModel> ValidateAsync(string subject, string version, ReadOnlyMemory<byte> document, int maxErrors, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var report = await _client.ValidateAsync(subject, Target(version), document, Math.Max(1, maxErrors), ct);
            var errors = new List<ValidationErrorModel>(report.Errors.Count);
            foreach (var e in report.Errors)
            {
                errors.Add(new ValidationErrorModel(e.InstanceLocation, e.KeywordLocation, e.Message));
            }

            return new ValidateModel
            {
                Valid = report.IsValid,
                Outcome = ApiNames.Outcome(report.Outcome),
                SchemaId = report.SchemaId,
                Subject = subject,
                Version = KnownNumber(version),
                Warning = report.Warnings.Count == 0 ? null : string.Join("; ", report.Warnings.Select(w => w.Message)),
                Errors = errors,
                Truncated = report.Verdict.Truncated,
            };
        });

    public Task<IReadOnlyList<LintReportModel>> LintVersionAsync(string subject, string version, IReadOnlyList<string> profiles, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var reports = await _client.LintAsync(subject, Target(version), profiles, ct);
            var list = new List<LintReportModel>(reports.Count);
            foreach (var report in reports)
            {
                var violations = new List<LintViolationModel>(report.Violations.Count);
                foreach (var v in report.Violations)
                {
                    violations.Add(new LintViolationModel(v.Name, v.Pointer, v.Effect switch
                    {
                        LintEffect.Rejected => "rejected",
                        LintEffect.Ignored => "ignored",
                        _ => "advisory",
                    }, v.Message, v.Limit, v.Actual));
                }

                list.Add(new LintReportModel
                {
                    Profile = report.Profile,
                    ProfileVersion = report.ProfileVersion,
                    Accepted = report.Accepted,
                    Subject = subject,
                    Version = KnownNumber(version),
                    Violations = violations,
                });
            }

            return (IReadOnlyList<LintReportModel>)list;
        });

    public Task<byte[]> CheckOutputAsync(string subject, string version, ReadOnlyMemory<byte> output, OutputCheckArgs args, CancellationToken ct) =>
        CallAsync(async () =>
        {
            var response = await _client.CheckOutputAsync(new Registry.Protocol.Messages.CheckOutputRequest
            {
                Subject = subject,
                Version = Target(version).Version,
                Alias = Target(version).AliasName,
                Output = output,
                Repair = args.Repair,
                Extract = args.Extract,
                Partial = args.Partial,
                Profile = args.Profile,
                ToolCallId = args.ToolCallId,
            }, ct);
            return response.Result.ToArray();
        });

    public Task<IReadOnlyList<string>> ListToolSetsAsync(CancellationToken ct) =>
        CallAsync(async () => await _client.ListToolSetsAsync(ct));

    public Task<ToolSetModel> GetToolSetAsync(string name, CancellationToken ct) =>
        CallAsync(async () => ToolSet(await _client.GetToolSetAsync(name, ct)));

    public Task<(ToolSetModel Set, bool Created)> PutToolSetAsync(string name, IReadOnlyList<ToolSetToolModel> tools, CancellationToken ct) =>
        CallAsync(async () =>
        {
            // The defaults of the HTTP body (latest, the subject as the name, strict) are the same here.
            var members = tools.Select(t => new ToolSetTool(t.Subject, t.Version ?? "latest", t.Name ?? t.Subject, t.Description, t.Strict ?? true)).ToList();
            var (set, created) = await _client.PutToolSetAsync(name, members, ct);
            return (ToolSet(set), created);
        });

    public Task DeleteToolSetAsync(string name, CancellationToken ct) =>
        CallAsync(async () =>
        {
            await _client.DeleteToolSetAsync(name, ct);
            return true;
        });

    public Task<byte[]> CheckToolSetAsync(string name, IReadOnlyList<string> profiles, CancellationToken ct) =>
        CallAsync(async () => (await _client.CheckToolSetAsync(name, profiles, ct)).Json.ToArray());

    public Task<byte[]> ExportToolSetAsync(string name, string format, bool transform, CancellationToken ct) =>
        CallAsync(async () => (await _client.ExportToolSetAsync(name, format, transform, ct)).ToArray());

    private static ToolSetModel ToolSet(ToolSetBody set) => new()
    {
        Name = set.Name,
        Tools = set.Tools.Select(t => new ToolSetToolModel { Subject = t.Subject, Version = t.Version, Name = t.Name, Description = t.Description, Strict = t.Strict }).ToList(),
        UpdatedAt = set.UpdatedAt,
        UpdatedBy = set.UpdatedBy,
    };

    /// <summary>UPDATE_VERSION takes a number; <c>latest</c> is resolved first.</summary>
    private async Task<int> ResolveAsync(string subject, string version, CancellationToken ct)
    {
        var number = VersionNumber(version);
        return number != VersionSelector.Latest ? number : (await _client.GetVersionAsync(subject, number, false, ct)).Info.Version;
    }

    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RegistryConnectionException e)
        {
            throw new RemoteException(RemoteFailure.Unavailable, new ErrorModel { ErrorCode = "unavailable", Message = $"cannot reach the registry at {_endpoint}: {RemoteSecurity.Reason(e)}" }, e);
        }
        catch (RegistryRequestException e)
        {
            var failure = e.Status == Status.Incompatible ? RemoteFailure.Incompatible
                : e.Status is Status.Internal or Status.Unavailable or Status.Overloaded or Status.TooManyConnections
                    or Status.Timeout or Status.ShuttingDown ? RemoteFailure.Unavailable
                : RemoteFailure.Refused;
            throw new RemoteException(failure, new ErrorModel
            {
                ErrorCode = Registry.Protocol.ProtocolStatus.GetName(e.Status).ToLowerInvariant(),
                Message = e.Message,
                Differences = e.Differences.Count == 0 ? null : Differences(e.Differences),
                Errors = e.SchemaErrors.Count == 0 ? null : e.SchemaErrors.Select(x => new SchemaErrorModel(x.KeywordLocation.Length > 0 ? x.KeywordLocation : x.InstanceLocation, x.Message)).ToList(),
            }, e);
        }
        catch (TimeoutException e)
        {
            throw new RemoteException(RemoteFailure.Unavailable, new ErrorModel { ErrorCode = "unavailable", Message = $"the registry at {_endpoint} did not answer in time" }, e);
        }
    }

    /// <summary>A version as the commands spell it (a number, <c>latest</c> or <c>@alias</c>) as the protocol's target.</summary>
    private static VersionTarget Target(string version) =>
        ApiNames.IsAlias(version) ? VersionSelector.Alias(version[1..]) : VersionSelector.Number(VersionNumber(version));

    /// <summary>The version number the command named, or null for <c>latest</c> and an alias.</summary>
    private static int? KnownNumber(string version) =>
        version == "latest" || ApiNames.IsAlias(version) ? null : VersionNumber(version);

    private static int VersionNumber(string version) =>
        version == "latest" ? VersionSelector.Latest : int.Parse(version, NumberStyles.None, CultureInfo.InvariantCulture);

    private static int SchemaId(long id) =>
        id <= int.MaxValue ? (int)id : throw new RemoteException(RemoteFailure.Refused, new ErrorModel { ErrorCode = "schema_not_found", Message = $"No schema has id {id}." });

    private static SchemaType SchemaTypeOf(SchemaInput input) => input.SchemaType?.ToUpperInvariant() switch
    {
        null or "JSON" => SchemaType.Json,
        "TOOL" => SchemaType.Tool,
        "AGENT_CARD" => SchemaType.AgentCard,
        "PROMPT" => SchemaType.Prompt,
        _ => throw new RemoteException(RemoteFailure.Refused, new ErrorModel { ErrorCode = "unsupported_schema_type", Message = $"Schema type '{input.SchemaType}' is not supported; supported: JSON, TOOL, AGENT_CARD, PROMPT." }),
    };

    private static string TypeName(SchemaType type) => SchemaTypes.GetName(type);

    private static (string? Subject, int? Version) SplitReplacement(string? replacement)
    {
        if (replacement is null)
        {
            return (null, null);
        }

        var colon = replacement.LastIndexOf(':');
        return colon > 0 && int.TryParse(replacement.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? (replacement[..colon], v)
            : (replacement, null);
    }

    private static JsonElement Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 512 });
        return document.RootElement.Clone();
    }

    private static List<SchemaReference> References(IReadOnlyList<ReferenceModel> references) =>
        references.Select(r => new SchemaReference(r.Name, r.Subject, r.Version)).ToList();

    private static List<ReferenceModel> References(IReadOnlyList<SchemaReference> references) =>
        references.Select(r => new ReferenceModel(r.Name, r.Subject, r.Version)).ToList();

    private static VersionMetadata Metadata(MetadataModel metadata) => new()
    {
        Description = metadata.Description,
        Owner = metadata.Owner,
        Tags = metadata.Tags ?? [],
        Properties = metadata.Properties ?? new Dictionary<string, string>(StringComparer.Ordinal),
    };

    private static List<DifferenceModel> Differences(IReadOnlyList<SchemaDifference> differences) =>
        differences.Select(d => new DifferenceModel(d.Name, d.Location, d.IsCompatible, d.Message, d.EarlierVersion)).ToList();

    private static ConfigModel Config(ConfigResponse config) => new(
        config.Level is { } l ? ApiNames.Level(l) : null,
        config.Policy is { } p ? ApiNames.Policy(p) : null,
        config.Mode is { } m ? ApiNames.Mode(m) : null);

    private static VersionModel Version(Registry.Protocol.Messages.VersionResponse response)
    {
        var info = response.Info;
        var replacement = info.Deprecation?.ReplacementSubject is { } s
            ? info.Deprecation.ReplacementVersion is { } v ? string.Create(CultureInfo.InvariantCulture, $"{s}:{v}") : s
            : null;
        return new VersionModel
        {
            Subject = info.Subject,
            Version = info.Version,
            Id = info.SchemaId,
            SchemaType = TypeName(response.SchemaType),
            Schema = Parse(response.Schema),
            References = References(response.References),
            State = ApiNames.State(info.State),
            Deleted = info.Deleted,
            Semver = info.SemVer,
            Metadata = new MetadataModel
            {
                Description = info.Metadata.Description,
                Owner = info.Metadata.Owner,
                Tags = info.Metadata.Tags,
                Properties = info.Metadata.Properties,
            },
            Deprecation = info.Deprecation is { } d ? new DeprecationModel(d.Reason, d.SunsetAt, replacement) : null,
            CreatedAt = info.CreatedAt,
            CreatedBy = info.CreatedBy,
        };
    }

    public Task<KeyModel> CreateKeyAsync(KeyInput input, CancellationToken ct) =>
        Task.FromException<KeyModel>(RemoteException.NotSupported("Managing keys"));

    public Task<IReadOnlyList<KeyModel>> ListKeysAsync(CancellationToken ct) =>
        Task.FromException<IReadOnlyList<KeyModel>>(RemoteException.NotSupported("Managing keys"));

    public Task<KeyModel> RevokeKeyAsync(string keyId, CancellationToken ct) =>
        Task.FromException<KeyModel>(RemoteException.NotSupported("Managing keys"));

    public Task<AuditPageModel> ReadAuditAsync(AuditFilter filter, CancellationToken ct) =>
        Task.FromException<AuditPageModel>(RemoteException.NotSupported("Reading the audit log"));

    public Task<AuditVerifyModel> VerifyAuditAsync(CancellationToken ct) =>
        Task.FromException<AuditVerifyModel>(RemoteException.NotSupported("Verifying the audit log"));
}
