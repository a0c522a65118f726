using System.Buffers;
using System.Globalization;
using MessagePack;
using Registry.Engine.Security;
using Registry.Engine.Services;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;
using Registry.Server.Hosting;
using EngineTarget = Registry.Engine.Services.ValidationTarget;

namespace Registry.Server.Binary;

/// <summary>
/// Routes one request by opcode. What memory can answer — PING, HELLO, GET_SCHEMA_BY_ID of a cached schema,
/// VALIDATE and VALIDATE_BATCH against a warm schema id — is answered here, on the connection's read loop, without
/// allocating. Everything else is read into owned objects and handed to <see cref="RegistryOperations"/> on the
/// thread pool, so a store round trip never holds up the requests pipelined behind it. Validation on the loop takes a
/// slot of the engine's work gate only if one is free at once; otherwise it is handed off too, to wait for one there.
/// </summary>
internal sealed class RequestDispatcher
{
    private readonly SchemaRegistry _registry;
    private readonly RegistryOperations _operations;
    private readonly StreamOperations _streams;
    private readonly BinaryProtocolOptions _options;
    private readonly string _serverName;
    private readonly BinarySecurity? _security;

    /// <summary>Creates the dispatcher; with <paramref name="security"/>, HELLO must authenticate and every opcode is authorised.</summary>
    public RequestDispatcher(SchemaRegistry registry, BinaryProtocolOptions options, BinarySecurity? security = null)
    {
        _registry = registry;
        _operations = new RegistryOperations(registry);
        _streams = new StreamOperations(registry);
        _options = options;
        _security = security;
        _serverName = "llm-schema-registry/" + (typeof(RequestDispatcher).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
    }

    /// <summary>The server's metrics instruments, when the host has them (benchmarks drive the dispatcher without).</summary>
    public Telemetry.RegistryMetrics? Metrics { get; init; }

    /// <summary>The access log, when <c>Registry:Telemetry:AccessLog:Enabled</c> is true.</summary>
    public Telemetry.AccessLog? AccessLog { get; init; }

    /// <summary>
    /// Answers the request whose header has been read from <paramref name="reader"/>. Either writes the whole response
    /// through <paramref name="writer"/> and returns null, or returns the pending body of an operation started
    /// elsewhere. Either way the request body has been read completely before this returns, so the frame's buffer may
    /// be released. Failures on the read loop are thrown (<see cref="ProtocolException"/>, <see cref="Engine.RegistryException"/>)
    /// for the caller to answer through <see cref="ErrorResponses"/>.
    /// </summary>
    public Task<IResponseBody>? Dispatch(ConnectionSession session, RequestHeader header, ref ProtocolReader reader, ref MessagePackWriter writer)
    {
        var id = header.RequestId;
        switch (header.Opcode)
        {
            case Opcode.Ping:
                PingRequest.Read(ref reader);
                Envelope.WriteEmptyResponse(ref writer, id);
                return null;
            case Opcode.Hello:
                Hello(session, id, ref reader, ref writer);
                return null;
        }

        if (!session.IsEstablished)
        {
            Envelope.WriteError(ref writer, id, StatusCode.HandshakeRequired, "Send HELLO first; only PING and HELLO are served before it.");
            return null;
        }

        var ct = session.Closed;
        switch (header.Opcode)
        {
            case Opcode.GetSchemaById:
                _security?.Demand(session, SecuredOperation.Read, null);
                return GetSchemaById(id, session.ProtocolVersion, ref reader, ref writer, ct);
            case Opcode.Validate:
                _security?.Demand(session, SecuredOperation.Validate, null);
                return Validate(id, ref reader, ref writer, ct);
            case Opcode.ValidateBatch:
                _security?.Demand(session, SecuredOperation.Validate, null);
                return ValidateBatch(id, ref reader, ref writer, ct);
            default:
                return StartElsewhere(session, header, ref reader, ref writer);
        }
    }

    /// <summary>
    /// The operations that reach the store: the body is read into an owned request and the operation started on the
    /// thread pool. Kept apart from <see cref="Dispatch"/> because the lambdas' closure is allocated on entry to the
    /// method that declares what they capture; here that cost is paid only by these cold opcodes.
    /// </summary>
    private Task<IResponseBody>? StartElsewhere(ConnectionSession session, RequestHeader header, ref ProtocolReader reader, ref MessagePackWriter writer)
    {
        var ct = session.Closed;
        switch (header.Opcode)
        {
            case Opcode.GetVersion:
            {
                var request = GetVersionRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Read, null);
                var protocolVersion = session.ProtocolVersion;
                return Task.Run(() => _operations.GetVersionAsync(request, protocolVersion, ct), ct);
            }

            case Opcode.ListSubjects:
            {
                var request = ListSubjectsRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Read, null);
                return Task.Run(() => _operations.ListSubjectsAsync(request, ct), ct);
            }

            case Opcode.ListVersions:
            {
                var request = ListVersionsRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Read, null);
                return Task.Run(() => _operations.ListVersionsAsync(request, ct), ct);
            }

            case Opcode.Register:
            {
                var request = RegisterRequest.Read(ref reader);
                var createdBy = session.Principal?.Name ?? session.ClientName;
                if (_security is { } security)
                {
                    security.Demand(session, SecuredOperation.Register, request.Subject);
                    return security.Audited(session, SecuredOperation.Register, request.Subject, null, () => _operations.RegisterAsync(request, createdBy, ct), ct);
                }

                return Task.Run(() => _operations.RegisterAsync(request, createdBy, ct), ct);
            }

            case Opcode.CheckCompatibility:
            {
                var request = CheckCompatibilityRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Validate, null);
                return Task.Run(() => _operations.CheckCompatibilityAsync(request, ct), ct);
            }

            case Opcode.UpdateVersion:
            {
                var request = UpdateVersionRequest.Read(ref reader);
                if (_security is { } security)
                {
                    security.Demand(session, SecuredOperation.Lifecycle, request.Subject);
                    return security.Audited(session, SecuredOperation.Lifecycle, request.Subject, request.Version, () => _operations.UpdateVersionAsync(request, ct), ct);
                }

                return Task.Run(() => _operations.UpdateVersionAsync(request, ct), ct);
            }

            case Opcode.Delete:
            {
                var request = DeleteRequest.Read(ref reader);
                if (_security is { } security)
                {
                    var operation = request.Permanent ? SecuredOperation.HardDelete : SecuredOperation.Delete;
                    security.Demand(session, operation, request.Subject);
                    return security.Audited(session, operation, request.Subject, request.Version, () => _operations.DeleteAsync(request, ct), ct);
                }

                return Task.Run(() => _operations.DeleteAsync(request, ct), ct);
            }

            case Opcode.GetConfig:
            {
                var request = GetConfigRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Read, null);
                return Task.Run(() => _operations.GetConfigAsync(request, ct), ct);
            }

            case Opcode.SetConfig:
            {
                var request = SetConfigRequest.Read(ref reader);
                if (_security is { } security)
                {
                    var operation = request.Subject is null ? SecuredOperation.GlobalConfig : SecuredOperation.SubjectConfig;
                    security.Demand(session, operation, request.Subject);
                    return security.Audited(session, operation, request.Subject, null, () => _operations.SetConfigAsync(request, ct), ct);
                }

                return Task.Run(() => _operations.SetConfigAsync(request, ct), ct);
            }

            case Opcode.ListSchemaUsages:
            {
                var request = ListSchemaUsagesRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Read, null);
                return Task.Run(() => _operations.ListSchemaUsagesAsync(request.SchemaId, ct), ct);
            }

            case Opcode.ListReferencedBy:
            {
                var request = ListReferencedByRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Read, null);
                return Task.Run(() => _operations.ListReferencedByAsync(request, ct), ct);
            }

            case Opcode.Lint:
            {
                var request = LintRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Validate, null);
                return Task.Run(() => _operations.LintAsync(request, ct), ct);
            }

            case Opcode.CheckOutput:
            {
                var request = CheckOutputRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Validate, null);
                return Task.Run(() => _operations.CheckOutputAsync(request, ct), ct);
            }

            case Opcode.StreamOpen:
            {
                var request = StreamOpenRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Validate, null);
                return Task.Run(() => _streams.OpenAsync(session, request, ct), ct);
            }

            case Opcode.StreamChunk:
            {
                // On the read loop: the chunks of a stream are fed in the order they arrived.
                var chunk = StreamChunkRequest.Read(ref reader);
                _security?.Demand(session, SecuredOperation.Validate, null);
                return _streams.Chunk(session, header.RequestId, chunk, ref writer);
            }

            case Opcode.ToolSet:
            {
                var request = ToolSetRequest.Read(ref reader);
                var by = session.Principal?.Name ?? session.ClientName;
                if (_security is { } security)
                {
                    // As on HTTP: reads are reads, a check is a validation, writes are subject_config judged on the set's name.
                    var operation = request.Action switch
                    {
                        ToolSetAction.Put or ToolSetAction.Delete => SecuredOperation.SubjectConfig,
                        ToolSetAction.Check => SecuredOperation.Validate,
                        _ => SecuredOperation.Read,
                    };
                    if (operation == SecuredOperation.SubjectConfig)
                    {
                        security.Demand(session, operation, request.Name);
                        return security.Audited(session, operation, request.Name, null, () => _operations.ToolSetAsync(request, by, ct), ct);
                    }

                    security.Demand(session, operation, null);
                }

                return Task.Run(() => _operations.ToolSetAsync(request, by, ct), ct);
            }

            default:
                Envelope.WriteError(ref writer, header.RequestId, StatusCode.UnknownOpcode, string.Create(
                    CultureInfo.InvariantCulture, $"Opcode {(int)header.Opcode} is not defined by protocol version {session.ProtocolVersion}."));
                return null;
        }
    }

    private void Hello(ConnectionSession session, uint id, ref ProtocolReader reader, ref MessagePackWriter writer)
    {
        var hello = HelloRequest.Read(ref reader);
        if (session.IsEstablished)
        {
            Envelope.WriteError(ref writer, id, StatusCode.BadRequest, "HELLO was already completed on this connection.");
            return;
        }

        if (ProtocolVersions.Negotiate(hello.MinVersion, hello.MaxVersion) is not { } version)
        {
            Envelope.WriteError(ref writer, id, StatusCode.UnsupportedVersion, string.Create(CultureInfo.InvariantCulture,
                $"This server speaks protocol versions {ProtocolVersions.Min} to {ProtocolVersions.Max}; the client asked for {hello.MinVersion} to {hello.MaxVersion}."));
            return;
        }

        // Without security, credentials, when sent, are read and ignored (docs/protocol.md, section 4); with it, HELLO
        // authenticates the connection once, and every request on it runs as that principal.
        Engine.Security.Principal? principal = null;
        if (_security is { } security)
        {
            principal = security.Authenticate(session, hello.Credentials);
        }

        session.Establish(version, hello.ClientName, principal);
        Envelope.WriteResponse(ref writer, id, new HelloResponse
        {
            Version = version,
            ServerName = _serverName,
            MaxFrameBytes = _options.MaxFrameBytes,
            MaxInFlight = _options.MaxInFlight,
            IdleTimeout = _options.IdleTimeout,
        });
    }

    private Task<IResponseBody>? GetSchemaById(uint id, int protocolVersion, ref ProtocolReader reader, ref MessagePackWriter writer, CancellationToken ct)
    {
        var request = GetSchemaByIdRequest.Read(ref reader);
        if (_registry.TryGetCachedSchema(request.SchemaId, out var schema) && EngineMapping.IsReadable(schema!, protocolVersion))
        {
            ResponseHeader.Write(ref writer, id, StatusCode.Ok);
            SchemaBody.Write(ref writer, schema!);
            return null;
        }

        return FetchSchema(request.SchemaId, protocolVersion, ct);
    }

    /// <summary>A schema not in the cache, fetched on the thread pool (its own method: see <see cref="StartElsewhere"/>).</summary>
    private Task<IResponseBody> FetchSchema(int schemaId, int protocolVersion, CancellationToken ct) =>
        Task.Run(() => _operations.GetSchemaAsync(schemaId, protocolVersion, ct), ct);

    private Task<IResponseBody>? Validate(uint id, ref ProtocolReader reader, ref MessagePackWriter writer, CancellationToken ct)
    {
        var request = ValidateRequest.Read(ref reader);
        var maxErrors = request.MaxErrors;
        if (request.Target.IsSchemaId && _registry.TryGetWarmValidator(request.Target.SchemaId, out var lease))
        {
            if (_registry.Work.TryEnter())
            {
                try
                {
                    ResponseHeader.Write(ref writer, id, StatusCode.Ok);
                    ValidateResponse.WriteStart(ref writer, EngineMapping.SchemaId(lease.SchemaId), lease.Warning is null ? 0 : 1);
                    ValidationWriting.WriteWarning(ref writer, lease.Warning);
                    var started = _registry.Metrics.ValidationEnabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                    var outcome = ValidationWriting.WriteVerdict(ref writer, lease.Schema, request.Document, maxErrors, _registry.Options.MaxValidationErrors, batch: false);
                    _registry.Metrics.Validated(outcome, lease.SchemaType, started);
                }
                finally
                {
                    _registry.Work.Exit();
                }

                return null;
            }
        }

        return Cold(Target(request.Target), [request.Document.ToArray()], maxErrors, batch: false, ct);
    }

    private Task<IResponseBody>? ValidateBatch(uint id, ref ProtocolReader reader, ref MessagePackWriter writer, CancellationToken ct)
    {
        var request = ValidateBatchRequest.Read(ref reader);
        var documents = request.Documents;
        _registry.CheckBatchSize(documents.Count);
        var maxErrors = request.MaxErrors;
        if (request.Target.IsSchemaId && _registry.TryGetWarmValidator(request.Target.SchemaId, out var lease))
        {
            if (_registry.Work.TryEnter())
            {
                try
                {
                    ResponseHeader.Write(ref writer, id, StatusCode.Ok);
                    ValidateBatchResponse.WriteStart(ref writer, EngineMapping.SchemaId(lease.SchemaId), lease.Warning is null ? 0 : 1);
                    ValidationWriting.WriteWarning(ref writer, lease.Warning);
                    ValidateBatchResponse.WriteResultsHeader(ref writer, documents.Count);
                    var budget = _registry.NewWorkBudget(ct); // one for the whole batch, as in the engine
                    foreach (var document in documents)
                    {
                        // The peer that left gets no answer: the loop closes the connection (BinaryConnection.Handle).
                        ct.ThrowIfCancellationRequested();
                        var started = _registry.Metrics.ValidationEnabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
                        var outcome = ValidationWriting.WriteVerdict(ref writer, lease.Schema, document.Bytes, maxErrors, _registry.Options.MaxValidationErrors, batch: true, budget);
                        _registry.Metrics.Validated(outcome, lease.SchemaType, started);
                    }
                }
                finally
                {
                    _registry.Work.Exit();
                }

                return null;
            }
        }

        return Cold(Target(request.Target), Copy(documents), maxErrors, batch: true, ct);
    }

    /// <summary>The protocol's validation target as the engine's.</summary>
    private static EngineTarget Target(Protocol.Messages.ValidationTarget target) => target.IsSchemaId
        ? EngineTarget.ById(target.SchemaId)
        : EngineTarget.ByVersion(target.GetSubject()!, EngineMapping.Version(target.Version, target.Alias));

    private Task<IResponseBody> Cold(EngineTarget target, ReadOnlyMemory<byte>[] documents, int maxErrors, bool batch, CancellationToken ct)
        => Task.Run(() => _operations.ValidateAsync(target, documents, maxErrors, batch, ct), ct);

    private static ReadOnlyMemory<byte>[] Copy(PayloadList<DocumentView> documents)
    {
        var copies = new ReadOnlyMemory<byte>[documents.Count];
        var i = 0;
        foreach (var document in documents)
        {
            copies[i++] = document.Bytes.ToArray();
        }

        return copies;
    }
}
