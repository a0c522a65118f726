using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using MessagePack;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Tests;

internal delegate void PayloadWriter(ref MessagePackWriter writer);

/// <summary>Reads a body with the protocol's reader and writes it back with the protocol's writer.</summary>
internal delegate void BodyCodec(ref ProtocolReader reader, ref MessagePackWriter writer);

/// <summary>One message as it travels: its payload, and how to read its body back.</summary>
internal sealed record MessageCase(string Name, bool IsRequest, byte[] Payload, BodyCodec Codec)
{
    public byte[] Frame
    {
        get
        {
            var frame = new byte[Framing.Frame.HeaderLength + Payload.Length];
            Framing.Frame.WriteHeader(frame, Payload.Length);
            Payload.CopyTo(frame, Framing.Frame.HeaderLength);
            return frame;
        }
    }

    /// <summary>Decodes a whole payload (envelope and body) and encodes what was decoded.</summary>
    public byte[] Reencode(ReadOnlySequence<byte> payload)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        var reader = new ProtocolReader(payload);
        if (IsRequest)
        {
            var header = RequestHeader.Read(ref reader);
            RequestHeader.Write(ref writer, header.RequestId, header.Opcode);
        }
        else
        {
            var header = ResponseHeader.Read(ref reader);
            ResponseHeader.Write(ref writer, header.RequestId, header.Status);
        }

        Codec(ref reader, ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    public override string ToString() => Name;
}

/// <summary>Every message of the protocol, with every optional part both present and absent.</summary>
internal static class MessageCatalog
{
    public static readonly byte[] Schema = Encoding.UTF8.GetBytes(
        """{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"id":{"type":"integer"},"name":{"type":"string","description":"Ünïcødé ✓"}},"required":["id"]}""");

    public static readonly byte[] Document = Encoding.UTF8.GetBytes("""{"id":42,"name":"widget ✓","tags":["a","b"]}""");

    public static readonly SchemaReference[] References =
    [
        new("common.json", "shared.common", 3),
        new("https://example.com/address.json", "shared.address-värde", 12),
    ];

    public static readonly VersionMetadata Metadata = new()
    {
        Description = "Order events emitted by the checkout service.",
        Owner = "team-checkout",
        Tags = ["orders", "pii", "tier-1"],
        Properties = new Dictionary<string, string> { ["retention"] = "30d", ["domain"] = "commerce", ["émoji"] = "🚀" },
    };

    public static readonly Deprecation Deprecation = new()
    {
        Reason = "Replaced by v2 with typed amounts.",
        SunsetAt = new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero),
        ReplacementSubject = "orders.created.v2",
        ReplacementVersion = 1,
    };

    public static readonly VersionInfo Info = new()
    {
        Subject = "orders.created",
        Version = 7,
        SchemaId = 100_123,
        State = LifecycleState.Deprecated,
        SemVer = "2.3.1",
        Metadata = Metadata,
        Deprecation = Deprecation,
        CreatedAt = new DateTimeOffset(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero),
        CreatedBy = "ci@checkout",
        Deleted = true,
    };

    public static readonly SchemaDifference[] Differences =
    [
        new("TYPE_NARROWED", "#/properties/id", "integer narrowed to a range", false, 6),
        new("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/note", "note added", true, null),
    ];

    public static readonly DocumentError[] Errors =
    [
        new("/id", "/properties/id/type", "expected integer, found string"),
        new("", "/required", "missing required property \"name\""),
    ];

    public static readonly ValidationWarning[] Warnings = [new(ValidationWarningKind.Deprecated, "orders.created v7 is deprecated: replaced by v2.")];

    public static readonly ToolSetTool[] ToolSetTools =
    [
        new("tools.weather", "latest", "get_weather", "Weather for a city ✓", true),
        new("tools.search", "@production", "search", null, false),
        new("tools.calc", "3", "calc", "", true),
    ];

    public static IReadOnlyList<MessageCase> All { get; } = Build();

    public static IEnumerable<string> Names => All.Select(c => c.Name);

    public static TheoryData<string> NameData => new(Names);

    public static MessageCase Get(string name) => All.Single(c => c.Name == name);

    public static byte[] Encode(PayloadWriter write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        write(ref writer);
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    private static MessageCase Request<T>(string name, uint id, T body, BodyCodec codec)
        where T : IRequestBody
        => new(name, true, Encode((ref MessagePackWriter w) => Envelope.WriteRequest(ref w, id, body)), codec);

    private static MessageCase Request(string name, uint id, Opcode opcode, PayloadWriter body, BodyCodec codec)
        => new(name, true, Encode((ref MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, id, opcode);
            body(ref w);
        }), codec);

    private static MessageCase Response<T>(string name, uint id, T body, BodyCodec codec)
        where T : IResponseBody
        => new(name, false, Encode((ref MessagePackWriter w) => Envelope.WriteResponse(ref w, id, body)), codec);

    private static MessageCase Response(string name, uint id, StatusCode status, PayloadWriter body, BodyCodec codec)
        => new(name, false, Encode((ref MessagePackWriter w) =>
        {
            ResponseHeader.Write(ref w, id, status);
            body(ref w);
        }), codec);

    private static List<SchemaReference> Collect(PayloadList<SchemaReferenceView> views)
    {
        var list = new List<SchemaReference>();
        foreach (var view in views)
        {
            list.Add(view.ToReference());
        }

        return list;
    }

    private static void WriteWarnings(ref MessagePackWriter writer, PayloadList<ValidationWarningView> warnings)
    {
        foreach (var warning in warnings)
        {
            warning.ToWarning().Write(ref writer);
        }
    }

    private static void WriteErrors(ref MessagePackWriter writer, PayloadList<DocumentErrorView> errors)
    {
        foreach (var error in errors)
        {
            error.ToError().Write(ref writer);
        }
    }

    private static void WriteTarget(ref MessagePackWriter writer, ValidationTarget target)
    {
        if (target.IsSchemaId)
        {
            ValidationTarget.WriteSchemaId(ref writer, target.SchemaId);
        }
        else
        {
            ValidationTarget.WriteSubject(ref writer, target.GetSubject()!, target.Version);
        }
    }

    private static List<MessageCase> Build()
    {
        BodyCodec ping = (ref ProtocolReader r, ref MessagePackWriter w) => PingRequest.Read(ref r).Write(ref w);
        BodyCodec hello = (ref ProtocolReader r, ref MessagePackWriter w) => HelloRequest.Read(ref r).Write(ref w);
        BodyCodec getById = (ref ProtocolReader r, ref MessagePackWriter w) => GetSchemaByIdRequest.Read(ref r).Write(ref w);
        BodyCodec getVersion = (ref ProtocolReader r, ref MessagePackWriter w) => GetVersionRequest.Read(ref r).Write(ref w);
        BodyCodec listSubjects = (ref ProtocolReader r, ref MessagePackWriter w) => ListSubjectsRequest.Read(ref r).Write(ref w);
        BodyCodec listVersions = (ref ProtocolReader r, ref MessagePackWriter w) => ListVersionsRequest.Read(ref r).Write(ref w);
        BodyCodec register = (ref ProtocolReader r, ref MessagePackWriter w) => RegisterRequest.Read(ref r).Write(ref w);
        BodyCodec check = (ref ProtocolReader r, ref MessagePackWriter w) => CheckCompatibilityRequest.Read(ref r).Write(ref w);
        BodyCodec update = (ref ProtocolReader r, ref MessagePackWriter w) => UpdateVersionRequest.Read(ref r).Write(ref w);
        BodyCodec delete = (ref ProtocolReader r, ref MessagePackWriter w) => DeleteRequest.Read(ref r).Write(ref w);
        BodyCodec getConfig = (ref ProtocolReader r, ref MessagePackWriter w) => GetConfigRequest.Read(ref r).Write(ref w);
        BodyCodec setConfig = (ref ProtocolReader r, ref MessagePackWriter w) => SetConfigRequest.Read(ref r).Write(ref w);
        BodyCodec usages = (ref ProtocolReader r, ref MessagePackWriter w) => ListSchemaUsagesRequest.Read(ref r).Write(ref w);
        BodyCodec referencedBy = (ref ProtocolReader r, ref MessagePackWriter w) => ListReferencedByRequest.Read(ref r).Write(ref w);
        BodyCodec validate = (ref ProtocolReader r, ref MessagePackWriter w) =>
        {
            var request = ValidateRequest.Read(ref r);
            w.WriteArrayHeader(5);
            WriteTarget(ref w, request.Target);
            w.Write(request.MaxErrors);
            w.WriteBlob(request.Document);
        };
        BodyCodec validateBatch = (ref ProtocolReader r, ref MessagePackWriter w) =>
        {
            var request = ValidateBatchRequest.Read(ref r);
            w.WriteArrayHeader(5);
            WriteTarget(ref w, request.Target);
            w.Write(request.MaxErrors);
            w.WriteArrayHeader(request.Documents.Count);
            foreach (var document in request.Documents)
            {
                w.WriteBlob(document.Bytes);
            }
        };

        BodyCodec emptyResponse = (ref ProtocolReader r, ref MessagePackWriter w) =>
        {
            EmptyBody.Read(ref r, "PING response");
            w.WriteNil();
        };
        BodyCodec helloResponse = (ref ProtocolReader r, ref MessagePackWriter w) => HelloResponse.Read(ref r).Write(ref w);
        BodyCodec schemaResponse = (ref ProtocolReader r, ref MessagePackWriter w) =>
        {
            var response = SchemaResponse.Read(ref r);
            SchemaResponse.Write(ref w, response.SchemaId, response.SchemaType, response.Schema, CollectionsMarshal.AsSpan(Collect(response.References)));
        };
        BodyCodec versionResponse = (ref ProtocolReader r, ref MessagePackWriter w) => VersionResponse.Read(ref r).Write(ref w);
        BodyCodec subjectsResponse = (ref ProtocolReader r, ref MessagePackWriter w) => ListSubjectsResponse.Read(ref r).Write(ref w);
        BodyCodec versionsResponse = (ref ProtocolReader r, ref MessagePackWriter w) => VersionListResponse.Read(ref r).Write(ref w);
        BodyCodec registerResponse = (ref ProtocolReader r, ref MessagePackWriter w) => RegisterResponse.Read(ref r).Write(ref w);
        BodyCodec checkResponse = (ref ProtocolReader r, ref MessagePackWriter w) => CheckCompatibilityResponse.Read(ref r).Write(ref w);
        BodyCodec infoResponse = (ref ProtocolReader r, ref MessagePackWriter w) => VersionInfo.Read(ref r).Write(ref w);
        BodyCodec configResponse = (ref ProtocolReader r, ref MessagePackWriter w) => ConfigResponse.Read(ref r).Write(ref w);
        BodyCodec pairsResponse = (ref ProtocolReader r, ref MessagePackWriter w) => SubjectVersionListResponse.Read(ref r).Write(ref w);
        BodyCodec lint = (ref ProtocolReader r, ref MessagePackWriter w) => LintRequest.Read(ref r).Write(ref w);
        BodyCodec lintResponse = (ref ProtocolReader r, ref MessagePackWriter w) => LintResponse.Read(ref r).Write(ref w);
        BodyCodec checkOutput = (ref ProtocolReader r, ref MessagePackWriter w) => CheckOutputRequest.Read(ref r).Write(ref w);
        BodyCodec streamOpen = (ref ProtocolReader r, ref MessagePackWriter w) => StreamOpenRequest.Read(ref r).Write(ref w);
        BodyCodec streamOpenResponse = (ref ProtocolReader r, ref MessagePackWriter w) => StreamOpenResponse.Read(ref r).Write(ref w);
        BodyCodec streamChunk = (ref ProtocolReader r, ref MessagePackWriter w) => StreamChunkRequest.Read(ref r).Write(ref w);
        BodyCodec streamChunkResponse = (ref ProtocolReader r, ref MessagePackWriter w) => StreamChunkResponse.Read(ref r).Write(ref w);
        BodyCodec checkOutputResponse = (ref ProtocolReader r, ref MessagePackWriter w) => CheckOutputResponse.Read(ref r).Write(ref w);
        BodyCodec toolSet = (ref ProtocolReader r, ref MessagePackWriter w) => ToolSetRequest.Read(ref r).Write(ref w);
        BodyCodec toolSetResponse = (ref ProtocolReader r, ref MessagePackWriter w) => ToolSetResponse.Read(ref r).Write(ref w);
        BodyCodec errorResponse = (ref ProtocolReader r, ref MessagePackWriter w) => ErrorResponse.Read(ref r).Write(ref w);
        BodyCodec validateResponse = (ref ProtocolReader r, ref MessagePackWriter w) =>
        {
            var response = ValidateResponse.Read(ref r);
            ValidateResponse.WriteStart(ref w, response.SchemaId, response.Warnings.Count);
            WriteWarnings(ref w, response.Warnings);
            ValidateResponse.WriteOutcome(ref w, response.Outcome, response.Truncated, response.Errors.Count);
            WriteErrors(ref w, response.Errors);
        };
        BodyCodec validateBatchResponse = (ref ProtocolReader r, ref MessagePackWriter w) =>
        {
            var response = ValidateBatchResponse.Read(ref r);
            ValidateBatchResponse.WriteStart(ref w, response.SchemaId, response.Warnings.Count);
            WriteWarnings(ref w, response.Warnings);
            ValidateBatchResponse.WriteResultsHeader(ref w, response.Results.Count);
            foreach (var result in response.Results)
            {
                ValidateBatchResponse.WriteResult(ref w, result.Outcome, result.Truncated, result.Errors.Count);
                WriteErrors(ref w, result.Errors);
            }
        };

        return
        [
            Request("PING", 1, new PingRequest(), ping),
            Request("HELLO full", 2, new HelloRequest
            {
                ClientName = "checkout-service/1.4.2",
                Credentials = new Credentials("bearer", Encoding.UTF8.GetBytes("s3cr3t-token")),
            }, hello),
            Request("HELLO minimal", 3, new HelloRequest { MinVersion = 1, MaxVersion = 9 }, hello),
            Request("GET_SCHEMA_BY_ID", 4, new GetSchemaByIdRequest(100_123), getById),
            Request("GET_SCHEMA_BY_ID max id", uint.MaxValue, new GetSchemaByIdRequest(int.MaxValue), getById),
            Request("GET_VERSION number", 300, new GetVersionRequest { Subject = "orders.created", Version = 7, IncludeDeleted = true }, getVersion),
            Request("GET_VERSION latest", 70_000, new GetVersionRequest { Subject = "orders.created" }, getVersion),
            Request("LIST_SUBJECTS prefix", 6, new ListSubjectsRequest { Prefix = "orders.", IncludeDeleted = true, Offset = 20, Limit = 10_000 }, listSubjects),
            Request("LIST_SUBJECTS all", 7, new ListSubjectsRequest(), listSubjects),
            Request("LIST_VERSIONS", 8, new ListVersionsRequest { Subject = "orders.created", IncludeDeleted = true }, listVersions),
            Request("REGISTER full", 9, new RegisterRequest
            {
                Subject = "orders.created",
                Schema = Schema,
                References = References,
                SemVer = "2.4.0",
                Metadata = Metadata,
                State = LifecycleState.Draft,
                ImportSchemaId = 555,
                ImportVersion = 12,
            }, register),
            Request("REGISTER minimal", 10, new RegisterRequest { Subject = "s", Schema = "{}"u8.ToArray() }, register),
            Request("CHECK_COMPATIBILITY per level", 11, new CheckCompatibilityRequest { Subject = "orders.created", Schema = Schema }, check),
            Request("CHECK_COMPATIBILITY one version", 12, new CheckCompatibilityRequest
            {
                Subject = "orders.created",
                Version = VersionSelector.Latest,
                Schema = Schema,
                References = References,
            }, check),
            Request("VALIDATE by id", 13, Opcode.Validate, (ref MessagePackWriter w) => ValidateRequest.WriteForSchemaId(ref w, 100_123, 0, Document), validate),
            Request("VALIDATE by subject", 14, Opcode.Validate, (ref MessagePackWriter w) => ValidateRequest.WriteForSubject(ref w, "orders.créé", VersionSelector.Latest, 1000, Document), validate),
            Request("VALIDATE_BATCH by id", 15, Opcode.ValidateBatch, (ref MessagePackWriter w) =>
            {
                ValidateBatchRequest.WriteForSchemaId(ref w, 9, 5, 3);
                ValidateBatchRequest.WriteDocument(ref w, Document);
                ValidateBatchRequest.WriteDocument(ref w, "{}"u8);
                ValidateBatchRequest.WriteDocument(ref w, "not json"u8);
            }, validateBatch),
            Request("VALIDATE_BATCH empty", 16, Opcode.ValidateBatch, (ref MessagePackWriter w) => ValidateBatchRequest.WriteForSubject(ref w, "orders.created", 2, 0, 0), validateBatch),
            Request("UPDATE_VERSION full", 17, new UpdateVersionRequest
            {
                Subject = "orders.created",
                Version = 7,
                State = LifecycleState.Deprecated,
                SemVer = "2.3.2",
                Metadata = Metadata,
                Deprecation = Deprecation,
            }, update),
            Request("UPDATE_VERSION minimal", 18, new UpdateVersionRequest { Subject = "orders.created", Version = VersionSelector.Latest }, update),
            Request("DELETE version", 19, new DeleteRequest { Subject = "orders.created", Version = 3 }, delete),
            Request("DELETE subject permanently", 20, new DeleteRequest { Subject = "orders.created", Permanent = true }, delete),
            Request("GET_CONFIG global", 21, new GetConfigRequest(), getConfig),
            Request("GET_CONFIG subject", 22, new GetConfigRequest { Subject = "orders.created", Effective = false }, getConfig),
            Request("SET_CONFIG full", 23, new SetConfigRequest
            {
                Subject = "orders.created",
                Level = CompatibilityLevel.FullTransitive,
                Policy = CompatibilityPolicy.Lenient,
                Mode = RegistryMode.Import,
            }, setConfig),
            Request("SET_CONFIG global level", 24, new SetConfigRequest { Level = CompatibilityLevel.None }, setConfig),
            Request("LIST_SCHEMA_USAGES", 25, new ListSchemaUsagesRequest(100_123), usages),
            Request("LIST_REFERENCED_BY", 26, new ListReferencedByRequest("shared.common", 3), referencedBy),
            Request("LINT schema", 27, new LintRequest { Schema = """{"type":"object"}"""u8.ToArray(), Profiles = ["openai-strict", "gemini"] }, lint),
            Request("LINT version", 28, new LintRequest { Subject = "tools.weather", Version = 2, Profiles = ["anthropic-strict"] }, lint),
            Request("LINT alias", 28, new LintRequest { Subject = "tools.weather", Version = 0, Alias = "production", Profiles = ["openai-strict"] }, lint),
            Request("CHECK_OUTPUT by alias", 29, new CheckOutputRequest { Subject = "tools.weather", Version = 0, Alias = "staging", Output = "{}"u8.ToArray() }, checkOutput),
            Request("STREAM_OPEN by alias", 32, new StreamOpenRequest { Subject = "tools.weather", Version = 0, Alias = "production" }, streamOpen),
            Request("CHECK_OUTPUT by id", 29, new CheckOutputRequest { SchemaId = 100_123, Output = "```json\n{\"a\":1}\n```"u8.ToArray() }, checkOutput),
            Request("CHECK_OUTPUT by subject", 30, new CheckOutputRequest
            {
                Subject = "tools.weather",
                Version = -1,
                Output = "{'city': 'Oslo',"u8.ToArray(),
                Extract = false,
                Repair = "all",
                PreferValid = false,
                Partial = true,
                Feedback = false,
                MaxErrors = 5,
                Profile = "openai-strict",
                ToolCallId = "call_1",
            }, checkOutput),
            Request("STREAM_OPEN by id", 31, new StreamOpenRequest { SchemaId = 100_123 }, streamOpen),
            Request("STREAM_OPEN by subject", 32, new StreamOpenRequest { Subject = "tools.weather", Version = 3, Extract = true }, streamOpen),
            Request("STREAM_OPEN under a profile", 33, new StreamOpenRequest { SchemaId = 7, Profile = "openai-strict" }, streamOpen),
            Request("STREAM_CHUNK", 33, new StreamChunkRequest { StreamId = 1, Chunk = "{\"city\":\"Os"u8.ToArray() }, streamChunk),
            Request("TOOLSET list", 35, new ToolSetRequest { Action = ToolSetAction.List }, toolSet),
            Request("TOOLSET get", 36, new ToolSetRequest { Action = ToolSetAction.Get, Name = "assistant.support" }, toolSet),
            Request("TOOLSET put", 37, new ToolSetRequest { Action = ToolSetAction.Put, Name = "assistant.support", Tools = ToolSetTools }, toolSet),
            Request("TOOLSET delete", 38, new ToolSetRequest { Action = ToolSetAction.Delete, Name = "assistant.support" }, toolSet),
            Request("TOOLSET check", 39, new ToolSetRequest { Action = ToolSetAction.Check, Name = "assistant.support", Profiles = ["openai-strict", "anthropic-strict"] }, toolSet),
            Request("TOOLSET check every profile", 40, new ToolSetRequest { Action = ToolSetAction.Check, Name = "a" }, toolSet),
            Request("TOOLSET export", 41, new ToolSetRequest { Action = ToolSetAction.Export, Name = "assistant.support", Format = "anthropic", Transform = true }, toolSet),
            Request("STREAM_CHUNK final", 34, new StreamChunkRequest { StreamId = 1, Chunk = "lo\"}"u8.ToArray(), Final = true }, streamChunk),

            Response("PING response", 1, StatusCode.Ok, (ref MessagePackWriter w) => w.WriteNil(), emptyResponse),
            Response("HELLO response", 2, new HelloResponse
            {
                Version = 1,
                ServerName = "registry/0.1.0",
                MaxFrameBytes = 1 << 20,
                MaxInFlight = 64,
                IdleTimeout = TimeSpan.FromSeconds(90),
            }, helloResponse),
            Response("GET_SCHEMA_BY_ID response", 4, StatusCode.Ok, (ref MessagePackWriter w) => SchemaResponse.Write(ref w, 100_123, SchemaType.Json, Schema, References), schemaResponse),
            Response("GET_SCHEMA_BY_ID response without references", 5, StatusCode.Ok, (ref MessagePackWriter w) => SchemaResponse.Write(ref w, 1, SchemaType.Json, "{}"u8, []), schemaResponse),
            Response("GET_VERSION response", 6, new VersionResponse { Info = Info, Schema = Schema, References = References }, versionResponse),
            Response("GET_VERSION response minimal", 7, new VersionResponse
            {
                Info = new VersionInfo { Subject = "a", Version = 1, SchemaId = 1 },
                Schema = "true"u8.ToArray(),
            }, versionResponse),
            Response("LIST_SUBJECTS response", 8, new ListSubjectsResponse { Subjects = ["orders.created", "orders.shipped", "ünïcode"], HasMore = true }, subjectsResponse),
            Response("LIST_SUBJECTS response empty", 9, new ListSubjectsResponse(), subjectsResponse),
            Response("LIST_VERSIONS response", 10, new VersionListResponse { Versions = [1, 2, 3, 200, 70_000] }, versionsResponse),
            Response("REGISTER response", 11, new RegisterResponse { SchemaId = 100_124, Version = 8, SuggestedBump = VersionBump.Minor, Created = true }, registerResponse),
            Response("CHECK_COMPATIBILITY response", 12, new CheckCompatibilityResponse
            {
                IsCompatible = false,
                SuggestedBump = VersionBump.Major,
                Differences = Differences,
            }, checkResponse),
            Response("VALIDATE response valid", 13, StatusCode.Ok, (ref MessagePackWriter w) => ValidateResponse.Write(ref w, 100_123, ValidationOutcome.Valid, false, [], []), validateResponse),
            Response("VALIDATE response invalid", 14, StatusCode.Ok, (ref MessagePackWriter w) => ValidateResponse.Write(ref w, 100_123, ValidationOutcome.Invalid, true, Errors, Warnings), validateResponse),
            Response("VALIDATE_BATCH response", 15, StatusCode.Ok, (ref MessagePackWriter w) =>
            {
                ValidateBatchResponse.WriteStart(ref w, 9, Warnings.Length);
                foreach (var warning in Warnings)
                {
                    warning.Write(ref w);
                }

                ValidateBatchResponse.WriteResultsHeader(ref w, 3);
                ValidateBatchResponse.WriteResult(ref w, ValidationOutcome.Valid, false, 0);
                ValidateBatchResponse.WriteResult(ref w, ValidationOutcome.Invalid, false, Errors.Length);
                foreach (var error in Errors)
                {
                    error.Write(ref w);
                }

                ValidateBatchResponse.WriteResult(ref w, ValidationOutcome.MalformedJson, false, 1);
                DocumentError.Write(ref w, "", "", "unexpected character 'n' at byte 0");
            }, validateBatchResponse),
            Response("UPDATE_VERSION response", 16, Info, infoResponse),
            Response("DELETE response", 17, new VersionListResponse { Versions = [3] }, versionsResponse),
            Response("GET_CONFIG response", 18, new ConfigResponse
            {
                Level = CompatibilityLevel.BackwardTransitive,
                Policy = CompatibilityPolicy.Strict,
                Mode = RegistryMode.ReadOnly,
            }, configResponse),
            Response("GET_CONFIG response unset", 19, new ConfigResponse(), configResponse),
            Response("LIST_SCHEMA_USAGES response", 20, new SubjectVersionListResponse
            {
                Items = [new("orders.created", 7), new("orders.created.copy", 1)],
            }, pairsResponse),
            Response("LINT response", 24, new LintResponse
            {
                Results =
                [
                    new ProfileLintReport
                    {
                        Profile = "openai-strict",
                        ProfileVersion = "2025-06",
                        Accepted = false,
                        Violations =
                        [
                            new LintViolation("PROPERTY_NOT_REQUIRED", "#/properties/days", LintEffect.Rejected, "Every property must be required.", "required", null, null),
                            new LintViolation("KEYWORD_UNSUPPORTED", "#/properties/days/maximum", LintEffect.Ignored, "Not enforced.", "maximum", "-", "14"),
                        ],
                    },
                    new ProfileLintReport { Profile = "gemini", ProfileVersion = "2025-05", Status = LintCheckStatus.TooComplex, Error = "Too much work." },
                ],
            }, lintResponse),
            Response("CHECK_OUTPUT response", 25, new CheckOutputResponse
            {
                SchemaId = 100_123,
                Verdict = "invalid",
                Valid = false,
                Result = """{"schema_id":100123,"verdict":"invalid"}"""u8.ToArray(),
            }, checkOutputResponse),
            Response("STREAM_OPEN response", 26, new StreamOpenResponse { StreamId = 1, SchemaId = 100_123 }, streamOpenResponse),
            Response("STREAM_CHUNK response", 27, new StreamChunkResponse
            {
                Verdict = "invalid",
                CanStillBeValid = false,
                BytesReceived = 23,
                Errors = [new StreamViolation("/unit", "/properties/unit/enum", "enum", "No member of the enum starts with \"k\".", 21)],
            }, streamChunkResponse),
            Response("TOOLSET response list", 28, new ToolSetResponse { Names = ["assistant.support", "ünïcode", "z"] }, toolSetResponse),
            Response("TOOLSET response list empty", 29, new ToolSetResponse { Names = [] }, toolSetResponse),
            Response("TOOLSET response set", 30, new ToolSetResponse
            {
                Set = new ToolSetBody
                {
                    Name = "assistant.support",
                    Tools = ToolSetTools,
                    UpdatedAt = new DateTimeOffset(2026, 12, 5, 23, 59, 58, 123, TimeSpan.Zero),
                    UpdatedBy = "ci@deploy",
                },
                Created = true,
            }, toolSetResponse),
            Response("TOOLSET response result", 31, new ToolSetResponse { Result = """{"name":"a","accepted":true,"reports":[]}"""u8.ToArray() }, toolSetResponse),
            Response("TOOLSET response delete", 32, new ToolSetResponse(), toolSetResponse),
            Response("error response", 21, StatusCode.SubjectNotFound, (ref MessagePackWriter w) => ErrorResponse.Write(ref w, "Subject 'orders' not found."), errorResponse),
            Response("error response incompatible", 22, StatusCode.Incompatible, (ref MessagePackWriter w) => new ErrorResponse
            {
                Message = "Schema is incompatible with version 6 under BACKWARD.",
                Differences = Differences,
            }.Write(ref w), errorResponse),
            Response("error response invalid schema", 23, StatusCode.InvalidSchema, (ref MessagePackWriter w) => new ErrorResponse
            {
                Message = "Not a valid JSON Schema.",
                SchemaErrors = Errors,
            }.Write(ref w), errorResponse),
        ];
    }
}
