using System.Diagnostics;
using System.Runtime.CompilerServices;
using Registry.Client.Connections;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;
using Registry.Schemas.Validation;
using ValidationOutcome = Registry.Protocol.Messages.ValidationOutcome;

namespace Registry.Client;

/// <summary>
/// Client of the registry's binary protocol. Thread-safe; create one per process and share it: its few pooled
/// connections each carry many concurrent requests (pipelining), so concurrency costs no extra sockets. Every call is
/// bounded by <see cref="RegistryClientOptions.RequestTimeout"/> (see <see cref="WithTimeout"/>) and honours its
/// <see cref="CancellationToken"/>. Reads that lose their connection are retried on another one while time remains;
/// writes are not (they may have been applied). Schemas fetched by id are cached (ids are immutable), and
/// <see cref="ValidateLocallyAsync"/> validates without a round trip using the registry's own compiled validators.
/// </summary>
public sealed class RegistryClient : IAsyncDisposable, IDisposable
{
    private readonly ClientCore _core;
    private readonly long _timeoutMs;
    private readonly bool _ownsCore;

    /// <summary>Creates a client; connections open on first use.</summary>
    public RegistryClient(RegistryClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _core = new ClientCore(options);
        _timeoutMs = (long)options.RequestTimeout.TotalMilliseconds;
        _ownsCore = true;
    }

    private RegistryClient(ClientCore core, TimeSpan timeout)
    {
        _core = core;
        _timeoutMs = (long)timeout.TotalMilliseconds;
        core.Pool.Support(timeout);
    }

    /// <summary>The options the client was created with.</summary>
    public RegistryClientOptions Options => _core.Options;

    /// <summary>Reads sent a second time, to another endpoint, because the first had no answer after <see cref="RegistryClientOptions.HedgeDelay"/>.</summary>
    public long HedgedReads => Interlocked.Read(ref _core.HedgedReads);

    /// <summary>Hedged reads that the second endpoint answered first.</summary>
    public long HedgesWon => Interlocked.Read(ref _core.HedgesWon);

    /// <summary>
    /// A view of this client whose calls have <paramref name="timeout"/> instead: same connections and caches. Disposing
    /// the view does nothing; the original client owns the connections.
    /// </summary>
    public RegistryClient WithTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return new RegistryClient(_core, timeout);
    }

    /// <summary>PING: measures a round trip to the server.</summary>
    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await CallAsync(default(PingRequest), static (ref ProtocolReader r) => { EmptyBody.Read(ref r, "PING response"); return true; }, cancellationToken)
            .ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// GET_SCHEMA_BY_ID: a schema by its global id. Served from the client's cache after the first fetch (synchronously,
    /// without allocating); concurrent first fetches of one id share one request.
    /// </summary>
    /// <exception cref="RegistryRequestException">With <see cref="StatusCode.SchemaNotFound"/> when no schema has the id.</exception>
    public ValueTask<RegistrySchema> GetSchemaAsync(int schemaId, CancellationToken cancellationToken = default)
    {
        if (_core.Schemas.TryGet(schemaId, out var schema))
        {
            return new ValueTask<RegistrySchema>(schema);
        }

        return new ValueTask<RegistrySchema>(_core.FetchSchemaAsync(this, schemaId, cancellationToken));
    }

    /// <summary>GET_SCHEMA_BY_ID without the cache: always asks the server (for measurements and checks).</summary>
    public ValueTask<RegistrySchema> FetchSchemaAsync(int schemaId, CancellationToken cancellationToken = default)
        => CallAsync(new GetSchemaByIdRequest(schemaId), static (ref ProtocolReader r) => ResponseReaders.Schema(ref r), cancellationToken);

    /// <summary>GET_VERSION: a subject's version (or its latest, <see cref="VersionSelector.Latest"/>) with its schema and facts.</summary>
    public ValueTask<VersionResponse> GetVersionAsync(
        string subject, int version = VersionSelector.Latest, bool includeDeleted = false, CancellationToken cancellationToken = default)
        => CallAsync(
            new GetVersionRequest { Subject = subject, Version = version, IncludeDeleted = includeDeleted },
            static (ref ProtocolReader r) => VersionResponse.Read(ref r),
            cancellationToken);

    /// <summary>GET_VERSION of a number, <see cref="VersionSelector.Latest"/> or an alias (<c>VersionSelector.Alias("production")</c>).</summary>
    public ValueTask<VersionResponse> GetVersionAsync(
        string subject, VersionTarget version, bool includeDeleted = false, CancellationToken cancellationToken = default)
        => CallAsync(
            new GetVersionRequest { Subject = subject, Version = version.AliasName is null ? version.Version : 0, Alias = version.AliasName, IncludeDeleted = includeDeleted },
            static (ref ProtocolReader r) => VersionResponse.Read(ref r),
            cancellationToken);

    /// <summary>LIST_SUBJECTS: one page of subject names in ordinal order, and whether more follow.</summary>
    public ValueTask<ListSubjectsResponse> ListSubjectsAsync(
        string? prefix = null, bool includeDeleted = false, int offset = 0, int limit = 1000, CancellationToken cancellationToken = default)
        => CallAsync(
            new ListSubjectsRequest { Prefix = prefix, IncludeDeleted = includeDeleted, Offset = offset, Limit = limit },
            static (ref ProtocolReader r) => ListSubjectsResponse.Read(ref r),
            cancellationToken);

    /// <summary>LIST_VERSIONS: a subject's version numbers, ascending.</summary>
    public async ValueTask<IReadOnlyList<int>> ListVersionsAsync(string subject, bool includeDeleted = false, CancellationToken cancellationToken = default)
        => (await CallAsync(
            new ListVersionsRequest { Subject = subject, IncludeDeleted = includeDeleted },
            static (ref ProtocolReader r) => VersionListResponse.Read(ref r),
            cancellationToken).ConfigureAwait(false)).Versions;

    /// <summary>
    /// REGISTER: registers a schema under a subject. The same content gets the same id under any subject; registering
    /// the subject's latest content again returns that version with <see cref="RegisterResponse.Created"/> false.
    /// </summary>
    /// <exception cref="RegistryRequestException">
    /// <see cref="StatusCode.Incompatible"/> (with <see cref="RegistryRequestException.Differences"/>),
    /// <see cref="StatusCode.InvalidSchema"/> (with <see cref="RegistryRequestException.SchemaErrors"/>), and the other refusals of docs/protocol.md.
    /// </exception>
    public ValueTask<RegisterResponse> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken = default)
        => CallAsync(request, static (ref ProtocolReader r) => RegisterResponse.Read(ref r), cancellationToken);

    /// <summary>REGISTER of a JSON Schema given as text, with no references or metadata.</summary>
    public ValueTask<RegisterResponse> RegisterAsync(string subject, string schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return RegisterAsync(new RegisterRequest { Subject = subject, Schema = System.Text.Encoding.UTF8.GetBytes(schema) }, cancellationToken);
    }

    /// <summary>
    /// REGISTER of a version of <paramref name="schemaType"/> given as text: a JSON Schema, or a tool definition
    /// (<see cref="SchemaType.Tool"/>: MCP, OpenAI or Anthropic JSON, stored in MCP's shape) or an A2A agent card
    /// (<see cref="SchemaType.AgentCard"/>), which need protocol version 3 (negotiated by this client).
    /// </summary>
    public ValueTask<RegisterResponse> RegisterAsync(string subject, string schema, SchemaType schemaType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return RegisterAsync(new RegisterRequest { Subject = subject, Schema = System.Text.Encoding.UTF8.GetBytes(schema), SchemaType = schemaType }, cancellationToken);
    }

    /// <summary>CHECK_COMPATIBILITY: whether a schema could be registered under a subject, and every difference found.</summary>
    public ValueTask<CheckCompatibilityResponse> CheckCompatibilityAsync(CheckCompatibilityRequest request, CancellationToken cancellationToken = default)
        => CallAsync(request, static (ref ProtocolReader r) => CheckCompatibilityResponse.Read(ref r), cancellationToken);

    /// <summary>
    /// LINT: the schema (UTF-8 JSON, without references) against each of <paramref name="profiles"/>
    /// (<c>openai-strict</c>, <c>anthropic-strict</c>, ...), one report per profile with every violation.
    /// </summary>
    /// <exception cref="RegistryRequestException">With <see cref="StatusCode.BadRequest"/> for an unknown profile.</exception>
    public async ValueTask<IReadOnlyList<ProfileLintReport>> LintAsync(
        ReadOnlyMemory<byte> schema, IReadOnlyList<string> profiles, CancellationToken cancellationToken = default)
        => (await CallAsync(new LintRequest { Schema = schema, Profiles = profiles }, static (ref ProtocolReader r) => LintResponse.Read(ref r), cancellationToken)
            .ConfigureAwait(false)).Results;

    /// <summary>
    /// LINT: a registered version (a number, <see cref="VersionSelector.Latest"/> or <c>VersionSelector.Alias("production")</c>),
    /// its references resolved, against each of <paramref name="profiles"/>.
    /// </summary>
    public async ValueTask<IReadOnlyList<ProfileLintReport>> LintAsync(
        string subject, VersionTarget version, IReadOnlyList<string> profiles, CancellationToken cancellationToken = default)
        => (await CallAsync(
            new LintRequest { Subject = subject, Version = version.Version, Alias = version.AliasName, Profiles = profiles },
            static (ref ProtocolReader r) => LintResponse.Read(ref r),
            cancellationToken).ConfigureAwait(false)).Results;

    /// <summary>
    /// CHECK_OUTPUT: a model's raw output against a schema id or a version, with the options of HTTP
    /// <c>check-output</c> (extract, repair, partial, profile, ...). The response carries the verdict and the whole
    /// result as the JSON that HTTP returns (extraction, repairs, truncation, errors, feedback for the model).
    /// </summary>
    public ValueTask<CheckOutputResponse> CheckOutputAsync(CheckOutputRequest request, CancellationToken cancellationToken = default)
        => CallAsync(request, static (ref ProtocolReader r) => CheckOutputResponse.Read(ref r), cancellationToken);

    /// <summary>CHECK_OUTPUT against a schema id with the default options (extract, no repair, feedback).</summary>
    public ValueTask<CheckOutputResponse> CheckOutputAsync(int schemaId, string output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return CheckOutputAsync(new CheckOutputRequest { SchemaId = schemaId, Output = System.Text.Encoding.UTF8.GetBytes(output) }, cancellationToken);
    }

    /// <summary>
    /// VALIDATE on the server against a schema id. <paramref name="maxErrors"/> 0 asks only for the verdict (the
    /// fastest); more asks for up to that many errors.
    /// </summary>
    public ValueTask<ValidationReport> ValidateAsync(int schemaId, ReadOnlyMemory<byte> document, int maxErrors = 0, CancellationToken cancellationToken = default)
        => CallAsync(new ValidateByIdBody(schemaId, maxErrors, document), static (ref ProtocolReader r) => ResponseReaders.Validation(ref r), cancellationToken);

    /// <summary>VALIDATE on the server against a subject's version (or <see cref="VersionSelector.Latest"/>).</summary>
    public ValueTask<ValidationReport> ValidateAsync(
        string subject, int version, ReadOnlyMemory<byte> document, int maxErrors = 0, CancellationToken cancellationToken = default)
        => ValidateAsync(subject, VersionTarget.FromInt32(version), document, maxErrors, cancellationToken);

    /// <summary>VALIDATE on the server against a subject's version, its latest, or the version an alias points at.</summary>
    public ValueTask<ValidationReport> ValidateAsync(
        string subject, VersionTarget version, ReadOnlyMemory<byte> document, int maxErrors = 0, CancellationToken cancellationToken = default)
        => CallAsync(
            new ValidateBySubjectBody(subject, version, maxErrors, document),
            static (ref ProtocolReader r) => ResponseReaders.Validation(ref r),
            cancellationToken);

    /// <summary>VALIDATE_BATCH on the server: several documents against one schema id, one verdict each.</summary>
    public ValueTask<BatchValidationReport> ValidateBatchAsync(
        int schemaId, IReadOnlyList<ReadOnlyMemory<byte>> documents, int maxErrors = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return CallAsync(
            new ValidateBatchBody(schemaId, null, 0, maxErrors, documents),
            static (ref ProtocolReader r) => ResponseReaders.Batch(ref r),
            cancellationToken);
    }

    /// <summary>VALIDATE_BATCH on the server against a subject's version.</summary>
    public ValueTask<BatchValidationReport> ValidateBatchAsync(
        string subject, int version, IReadOnlyList<ReadOnlyMemory<byte>> documents, int maxErrors = 0, CancellationToken cancellationToken = default)
        => ValidateBatchAsync(subject, VersionTarget.FromInt32(version), documents, maxErrors, cancellationToken);

    /// <summary>VALIDATE_BATCH on the server against a subject's version, its latest, or the version an alias points at.</summary>
    public ValueTask<BatchValidationReport> ValidateBatchAsync(
        string subject, VersionTarget version, IReadOnlyList<ReadOnlyMemory<byte>> documents, int maxErrors = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(documents);
        return CallAsync(
            new ValidateBatchBody(0, subject, version, maxErrors, documents),
            static (ref ProtocolReader r) => ResponseReaders.Batch(ref r),
            cancellationToken);
    }

    /// <summary>UPDATE_VERSION: changes a version's lifecycle state, metadata or deprecation details; returns the version after.</summary>
    public ValueTask<VersionInfo> UpdateVersionAsync(UpdateVersionRequest request, CancellationToken cancellationToken = default)
        => CallAsync(request, static (ref ProtocolReader r) => VersionInfo.Read(ref r), cancellationToken);

    /// <summary>
    /// DELETE: soft-deletes a version (or the whole subject when <paramref name="version"/> is null), or, with
    /// <paramref name="permanent"/>, removes what was soft-deleted. Returns the versions deleted.
    /// </summary>
    public async ValueTask<IReadOnlyList<int>> DeleteAsync(string subject, int? version = null, bool permanent = false, CancellationToken cancellationToken = default)
        => (await CallAsync(
            new DeleteRequest { Subject = subject, Version = version, Permanent = permanent },
            static (ref ProtocolReader r) => VersionListResponse.Read(ref r),
            cancellationToken).ConfigureAwait(false)).Versions;

    /// <summary>GET_CONFIG: the registry's (subject null) or a subject's settings; <paramref name="effective"/> fills what the subject does not set.</summary>
    public ValueTask<ConfigResponse> GetConfigAsync(string? subject = null, bool effective = true, CancellationToken cancellationToken = default)
        => CallAsync(
            new GetConfigRequest { Subject = subject, Effective = effective },
            static (ref ProtocolReader r) => ConfigResponse.Read(ref r),
            cancellationToken);

    /// <summary>SET_CONFIG: changes the settings given (null ones are left); returns the scope's settings after.</summary>
    public ValueTask<ConfigResponse> SetConfigAsync(SetConfigRequest request, CancellationToken cancellationToken = default)
        => CallAsync(request, static (ref ProtocolReader r) => ConfigResponse.Read(ref r), cancellationToken);

    /// <summary>LIST_SCHEMA_USAGES: the subjects and versions that use a schema id.</summary>
    public async ValueTask<IReadOnlyList<SubjectVersion>> ListSchemaUsagesAsync(int schemaId, CancellationToken cancellationToken = default)
        => (await CallAsync(
            new ListSchemaUsagesRequest(schemaId),
            static (ref ProtocolReader r) => SubjectVersionListResponse.Read(ref r),
            cancellationToken).ConfigureAwait(false)).Items;

    /// <summary>LIST_REFERENCED_BY: the versions whose schemas reference a subject's version.</summary>
    public async ValueTask<IReadOnlyList<SubjectVersion>> ListReferencedByAsync(string subject, int version, CancellationToken cancellationToken = default)
        => (await CallAsync(
            new ListReferencedByRequest(subject, version),
            static (ref ProtocolReader r) => SubjectVersionListResponse.Read(ref r),
            cancellationToken).ConfigureAwait(false)).Items;

    /// <summary>TOOLSET LIST: the names of the tool sets, in ordinal order.</summary>
    public async ValueTask<IReadOnlyList<string>> ListToolSetsAsync(CancellationToken cancellationToken = default)
        => (await ToolSetAsync(new ToolSetRequest { Action = ToolSetAction.List }, cancellationToken).ConfigureAwait(false)).Names ?? [];

    /// <summary>TOOLSET GET: a tool set as stored (its members' versions as written: a number, <c>latest</c> or <c>@alias</c>).</summary>
    /// <exception cref="RegistryRequestException">With <see cref="StatusCode.ToolSetNotFound"/> when there is no such set.</exception>
    public async ValueTask<ToolSetBody> GetToolSetAsync(string name, CancellationToken cancellationToken = default)
        => (await ToolSetAsync(new ToolSetRequest { Action = ToolSetAction.Get, Name = name }, cancellationToken).ConfigureAwait(false)).Set
            ?? throw new RegistryRequestException(StatusCode.Internal, "The server answered TOOLSET GET without the set.");

    /// <summary>
    /// TOOLSET PUT: creates or replaces a tool set. Every member must resolve to a JSON schema version now; the server
    /// names the first that does not. Returns the set as stored and whether it is new.
    /// </summary>
    public async ValueTask<(ToolSetBody Set, bool Created)> PutToolSetAsync(string name, IReadOnlyList<ToolSetTool> tools, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var response = await ToolSetAsync(new ToolSetRequest { Action = ToolSetAction.Put, Name = name, Tools = tools }, cancellationToken).ConfigureAwait(false);
        return (response.Set ?? throw new RegistryRequestException(StatusCode.Internal, "The server answered TOOLSET PUT without the set."), response.Created);
    }

    /// <summary>TOOLSET DELETE: removes a tool set.</summary>
    /// <exception cref="RegistryRequestException">With <see cref="StatusCode.ToolSetNotFound"/> when there is no such set.</exception>
    public async ValueTask DeleteToolSetAsync(string name, CancellationToken cancellationToken = default)
        => await ToolSetAsync(new ToolSetRequest { Action = ToolSetAction.Delete, Name = name }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// TOOLSET CHECK: the set checked as one request against each of <paramref name="profiles"/> (every profile when
    /// none is named): each tool's lint, the tool names, and the per-request totals.
    /// </summary>
    public async ValueTask<ToolSetCheckResult> CheckToolSetAsync(string name, IReadOnlyList<string>? profiles = null, CancellationToken cancellationToken = default)
    {
        var response = await ToolSetAsync(new ToolSetRequest { Action = ToolSetAction.Check, Name = name, Profiles = profiles ?? [] }, cancellationToken).ConfigureAwait(false);
        return new ToolSetCheckResult(response.Result ?? throw new RegistryRequestException(StatusCode.Internal, "The server answered TOOLSET CHECK without a result."));
    }

    /// <summary>
    /// TOOLSET EXPORT: the set's tools in a provider's format (<c>openai</c>, <c>anthropic</c>, <c>gemini</c> or <c>mcp</c>)
    /// as UTF-8 JSON; with <paramref name="transform"/>, strict tools in the format's strict form.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ExportToolSetAsync(string name, string format, bool transform = false, CancellationToken cancellationToken = default)
        => (await ToolSetAsync(new ToolSetRequest { Action = ToolSetAction.Export, Name = name, Format = format, Transform = transform }, cancellationToken).ConfigureAwait(false)).Result
            ?? throw new RegistryRequestException(StatusCode.Internal, "The server answered TOOLSET EXPORT without a result.");

    private ValueTask<ToolSetResponse> ToolSetAsync(ToolSetRequest request, CancellationToken cancellationToken)
        => CallAsync(request, static (ref ProtocolReader r) => ToolSetResponse.Read(ref r), cancellationToken);

    /// <summary>
    /// The compiled validator of a schema id, for validating in this process: the schema (and what it references) is
    /// fetched once, compiled by the registry's own compiler, and cached. Lifecycle rules are the server's business: a
    /// local validator does not know that a version was deprecated or archived since.
    /// </summary>
    public ValueTask<CompiledSchema> GetValidatorAsync(int schemaId, CancellationToken cancellationToken = default)
    {
        if (_core.Validators.TryGet(schemaId, out var compiled))
        {
            return new ValueTask<CompiledSchema>(compiled);
        }

        return new ValueTask<CompiledSchema>(_core.CompileAsync(this, schemaId, cancellationToken));
    }

    /// <summary>
    /// Validates a document in this process, without a round trip once the schema's validator is cached (see
    /// <see cref="GetValidatorAsync"/>). <paramref name="maxErrors"/> 0 gives only the verdict, without allocating.
    /// </summary>
    public async ValueTask<DocumentVerdict> ValidateLocallyAsync(int schemaId, ReadOnlyMemory<byte> document, int maxErrors = 0, CancellationToken cancellationToken = default)
    {
        var validator = await GetValidatorAsync(schemaId, cancellationToken).ConfigureAwait(false);
        return LocalVerdict(validator, document.Span, maxErrors);
    }

    /// <summary>Closes the connections (requests in flight fail with <see cref="ObjectDisposedException"/>).</summary>
    public ValueTask DisposeAsync() => _ownsCore ? _core.Pool.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Closes the connections.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Sends one request and decodes its response. Writes (barriers) go on the write connections, everything else on
    /// the read connections. A read whose connection fails, and any request the server refused with SHUTTING_DOWN (it
    /// was not started), is sent again on another connection while the deadline allows; a read unanswered after the
    /// hedge delay is sent to another endpoint as well (<see cref="RegistryClientOptions.HedgeDelay"/>).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<T> CallAsync<TBody, T>(TBody body, BodyReader<T> read, CancellationToken cancellationToken)
        where TBody : IRequestBody
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deadline = Environment.TickCount64 + _timeoutMs;
        var barrier = Opcodes.IsBarrier(TBody.Opcode);
        var hedge = barrier || _core.Pool.EndpointCount < 2 ? null : _core.Options.HedgeDelay;
        while (true)
        {
            var connection = barrier
                ? await _core.Pool.GetForWriteAsync(deadline, cancellationToken).ConfigureAwait(false)
                : await _core.Pool.GetAsync(deadline, cancellationToken).ConfigureAwait(false);
            ResponseFrame frame;
            var sentAt = barrier ? Environment.TickCount64 : 0;
            try
            {
                frame = hedge is { } delay
                    ? await SendHedgedAsync(connection, body, delay, deadline, cancellationToken).ConfigureAwait(false)
                    : await connection.SendAsync(body, deadline, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryConnectionException) when (!barrier && Environment.TickCount64 < deadline)
            {
                continue;
            }
            catch (TimeoutException) when (barrier && ObserveWrite(connection, sentAt))
            {
                throw; // not reached: the filter only records the write's time
            }

            if (barrier)
            {
                ObserveWrite(connection, sentAt);
            }

            var result = ResponseDecoder.Decode(frame, read, out var shuttingDown);
            if (!shuttingDown)
            {
                return result!;
            }

            if (Environment.TickCount64 >= deadline)
            {
                throw new RegistryRequestException(StatusCode.ShuttingDown, "The server is shutting down and no other took the request in time.");
            }
        }
    }

    /// <summary>Records a write's time against its endpoint, which steers later writes (always false: used as a filter).</summary>
    private bool ObserveWrite(ClientConnection connection, long sentAt)
    {
        _core.Pool.ObserveWrite(connection.Endpoint, Environment.TickCount64 - sentAt);
        return false;
    }

    /// <summary>
    /// Sends a read on <paramref name="first"/>; when it has no answer after <paramref name="delay"/>, sends it again
    /// on a connection to another endpoint and takes the first answer. The other attempt is abandoned (its late
    /// answer is dropped when it comes; its slot is kept until then, as for any abandoned request).
    /// </summary>
    private async Task<ResponseFrame> SendHedgedAsync<TBody>(ClientConnection first, TBody body, TimeSpan delay, long deadline, CancellationToken cancellationToken)
        where TBody : IRequestBody
    {
        using var firstCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var primary = first.SendAsync(body, deadline, firstCancel.Token).AsTask();
        if (!primary.IsCompleted)
        {
            var wait = Math.Min((long)delay.TotalMilliseconds, deadline - Environment.TickCount64);
            if (wait > 0)
            {
                await Task.WhenAny(primary, Task.Delay(TimeSpan.FromMilliseconds(wait), CancellationToken.None)).ConfigureAwait(false);
            }
        }

        if (primary.IsCompleted || Environment.TickCount64 >= deadline || _core.Pool.GetOther(first.Endpoint) is not { } other)
        {
            return await primary.ConfigureAwait(false);
        }

        using var secondCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<ResponseFrame> secondary;
        try
        {
            secondary = other.SendAsync(body, deadline, secondCancel.Token).AsTask();
        }
        catch (Exception e) when (e is RegistryConnectionException or TimeoutException)
        {
            // The other connection failed as it was handed over: the first attempt is all there is.
            return await primary.ConfigureAwait(false);
        }

        Interlocked.Increment(ref _core.HedgedReads);
        var done = await Task.WhenAny(primary, secondary).ConfigureAwait(false);
        var winner = done;
        var loser = ReferenceEquals(done, primary) ? secondary : primary;
        if (!done.IsCompletedSuccessfully)
        {
            // That attempt failed (its connection, its time-out): the other may still answer.
            (winner, loser) = (loser, done);
            await Task.WhenAny(winner).ConfigureAwait(false);
            if (!winner.IsCompletedSuccessfully)
            {
                _ = secondary.Exception; // observed: the first attempt's failure is the one reported
                return await primary.ConfigureAwait(false);
            }
        }

        if (ReferenceEquals(winner, secondary))
        {
            // The other endpoint answered first: new reads leave this connection alone for a while, then try it again.
            Interlocked.Increment(ref _core.HedgesWon);
            first.Avoid(Environment.TickCount64 + Math.Max(1000, 10 * (long)delay.TotalMilliseconds));
        }

        // Stop waiting for the other attempt; an answer it already has is returned to the pool.
        await (ReferenceEquals(loser, primary) ? firstCancel : secondCancel).CancelAsync().ConfigureAwait(false);
        _ = loser.ContinueWith(
            static t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    t.Result.Dispose();
                }
                else
                {
                    _ = t.Exception; // abandoned or failed: nobody waits for it
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return winner.Result;
    }

    /// <summary>
    /// STREAM_OPEN: starts a partial-validation session on the server against a schema id, to be fed chunk by chunk as
    /// a model generates (<see cref="OutputStreamSession.FeedAsync"/>). The session lives on one connection of the pool.
    /// </summary>
    public ValueTask<OutputStreamSession> OpenOutputStreamAsync(int schemaId, bool extract = false, CancellationToken cancellationToken = default)
        => OpenOutputStreamAsync(new StreamOpenRequest { SchemaId = schemaId, Extract = extract }, cancellationToken);

    /// <summary>
    /// STREAM_OPEN against a schema id for output generated under the provider profile called <paramref name="profile"/>
    /// (<c>openai-strict</c>): the final document is mapped back to the schema's shape before it is validated, as
    /// <see cref="CheckOutputAsync(CheckOutputRequest, CancellationToken)"/> does with a profile.
    /// </summary>
    public ValueTask<OutputStreamSession> OpenOutputStreamAsync(int schemaId, bool extract, string? profile, CancellationToken cancellationToken = default)
        => OpenOutputStreamAsync(new StreamOpenRequest { SchemaId = schemaId, Extract = extract, Profile = profile }, cancellationToken);

    /// <summary>STREAM_OPEN against a subject's version (a number, <see cref="VersionSelector.Latest"/> or an alias).</summary>
    public ValueTask<OutputStreamSession> OpenOutputStreamAsync(string subject, VersionTarget version, bool extract = false, CancellationToken cancellationToken = default)
        => OpenOutputStreamAsync(subject, version, extract, profile: null, cancellationToken);

    /// <summary>STREAM_OPEN against a subject's version for output generated under the provider profile called <paramref name="profile"/>.</summary>
    public ValueTask<OutputStreamSession> OpenOutputStreamAsync(string subject, VersionTarget version, bool extract, string? profile, CancellationToken cancellationToken = default)
        => OpenOutputStreamAsync(
            new StreamOpenRequest { Subject = subject, Version = version.Version, Alias = version.AliasName, Extract = extract, Profile = profile }, cancellationToken);

    private async ValueTask<OutputStreamSession> OpenOutputStreamAsync(StreamOpenRequest request, CancellationToken cancellationToken)
    {
        var deadline = Environment.TickCount64 + _timeoutMs;
        var connection = await _core.Pool.GetAsync(deadline, cancellationToken).ConfigureAwait(false);
        var opened = await CallOnAsync(connection, request, static (ref ProtocolReader r) => StreamOpenResponse.Read(ref r), cancellationToken).ConfigureAwait(false);
        return new OutputStreamSession(this, connection, opened.StreamId, opened.SchemaId);
    }

    /// <summary>Sends one request on <paramref name="connection"/> (a stream's own); no retry elsewhere, the session lives there.</summary>
    internal async ValueTask<T> CallOnAsync<TBody, T>(ClientConnection connection, TBody body, BodyReader<T> read, CancellationToken cancellationToken)
        where TBody : IRequestBody
    {
        var deadline = Environment.TickCount64 + _timeoutMs;
        var frame = await connection.SendAsync(body, deadline, cancellationToken).ConfigureAwait(false);
        var result = ResponseDecoder.Decode(frame, read, out var shuttingDown);
        if (shuttingDown)
        {
            throw new RegistryRequestException(StatusCode.ShuttingDown, "The server is shutting down; the stream is lost.");
        }

        return result!;
    }

    private static DocumentVerdict LocalVerdict(CompiledSchema validator, ReadOnlySpan<byte> document, int maxErrors)
    {
        if (maxErrors <= 0)
        {
            return ResponseReaders.Verdict((ValidationOutcome)validator.Evaluate(document));
        }

        var result = validator.Validate(document, maxErrors);
        if (result.Errors.Count == 0)
        {
            return ResponseReaders.Verdict((ValidationOutcome)result.Outcome);
        }

        var errors = new DocumentError[result.Errors.Count];
        for (var i = 0; i < errors.Length; i++)
        {
            var e = result.Errors[i];
            errors[i] = new DocumentError(e.InstanceLocation, e.KeywordLocation, e.Message);
        }

        return new DocumentVerdict((ValidationOutcome)result.Outcome, result.Truncated, errors);
    }
}
