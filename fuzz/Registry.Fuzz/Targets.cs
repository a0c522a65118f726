using System.Buffers;
using System.Text;
using System.Text.Json;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;
using Registry.Schemas;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;
using Registry.Schemas.Validation.Json;
using ValidationOutcome = Registry.Schemas.Validation.ValidationOutcome;

namespace Registry.Fuzz;

/// <summary>One fuzz target: takes arbitrary bytes; throws only on a finding.</summary>
internal delegate void Target(ReadOnlySpan<byte> input);

/// <summary>A property of the code under test did not hold (a finding, like an undocumented exception).</summary>
internal sealed class AgreementException(string message) : Exception(message);

/// <summary>
/// The fuzz targets. Each one feeds hostile bytes to one surface and lets through only the exceptions that surface
/// documents (<see cref="ProtocolException"/> for protocol readers, <see cref="TooComplexException"/> where a work
/// budget applies); anything else escapes and afl-fuzz records a crash. Hangs are bounded by afl-fuzz's timeout and
/// memory by the GC heap limit scripts/fuzz.sh sets.
/// </summary>
internal static class Targets
{
    private static readonly Dictionary<string, Target> All = new(StringComparer.Ordinal)
    {
        ["protocol"] = Protocol,
        ["schema-compile"] = SchemaCompile,
        ["validate"] = Validate,
        ["pattern"] = Pattern,
        ["json-tape"] = JsonTapeParse,
        ["model-output"] = ModelOutput,
        ["streaming"] = Streaming,
        ["http-body"] = HttpBody,
    };

    public static IEnumerable<string> Names => All.Keys;

    public static Target? Get(string name) => All.GetValueOrDefault(name);

    // ---- binary protocol: the frame reader, the envelope and every message body decoder ----

    /// <summary>
    /// Byte 0 chooses the side: below 0x80 the frames are requests (the opcode is in each envelope); otherwise they
    /// are responses to the opcode <c>byte0 &amp; 0x7f</c>. The rest is a byte stream of frames, read with the frame
    /// reader from a sequence split in two segments (so both header paths run), each payload decoded completely.
    /// </summary>
    private static void Protocol(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var response = input[0] >= 0x80;
        var opcode = (Opcode)(input[0] & 0x7f);
        var rest = input[1..].ToArray();
        var buffer = Split(rest, rest.Length > 2 ? 2 : 0);
        for (var frames = 0; frames < 64; frames++)
        {
            var result = Frame.TryRead(ref buffer, ProtocolLimits.DefaultMaxFrameBytes, out var payload);
            if (result != FrameReadResult.Complete)
            {
                return;
            }

            try
            {
                if (response)
                {
                    DecodeResponse(payload, opcode);
                }
                else
                {
                    DecodeRequest(payload);
                }
            }
            catch (ProtocolException e) when (e.Message.Length > 0)
            {
                // The documented refusal of hostile bytes.
            }
        }
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        if (at <= 0 || at >= bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, at), 0);
        var last = first.Append(bytes.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    private static void DecodeRequest(ReadOnlySequence<byte> payload)
    {
        var reader = new ProtocolReader(payload);
        var header = RequestHeader.Read(ref reader, ProtocolVersions.Max);
        switch (header.Opcode)
        {
            case Opcode.Ping: PingRequest.Read(ref reader); break;
            case Opcode.Hello: HelloRequest.Read(ref reader); break;
            case Opcode.GetSchemaById: GetSchemaByIdRequest.Read(ref reader); break;
            case Opcode.GetVersion: GetVersionRequest.Read(ref reader); break;
            case Opcode.ListSubjects: ListSubjectsRequest.Read(ref reader); break;
            case Opcode.ListVersions: ListVersionsRequest.Read(ref reader); break;
            case Opcode.Register: RegisterRequest.Read(ref reader); break;
            case Opcode.CheckCompatibility: CheckCompatibilityRequest.Read(ref reader); break;
            case Opcode.Validate: ValidateRequest.Read(ref reader); break;
            case Opcode.ValidateBatch:
                foreach (var document in ValidateBatchRequest.Read(ref reader).Documents)
                {
                    _ = document.Bytes.Length;
                }

                break;
            case Opcode.UpdateVersion: UpdateVersionRequest.Read(ref reader); break;
            case Opcode.Delete: DeleteRequest.Read(ref reader); break;
            case Opcode.GetConfig: GetConfigRequest.Read(ref reader); break;
            case Opcode.SetConfig: SetConfigRequest.Read(ref reader); break;
            case Opcode.ListSchemaUsages: ListSchemaUsagesRequest.Read(ref reader); break;
            case Opcode.ListReferencedBy: ListReferencedByRequest.Read(ref reader); break;
            case Opcode.Lint: LintRequest.Read(ref reader); break;
            case Opcode.CheckOutput: CheckOutputRequest.Read(ref reader); break;
            case Opcode.StreamOpen: StreamOpenRequest.Read(ref reader); break;
            case Opcode.StreamChunk: StreamChunkRequest.Read(ref reader); break;
            case Opcode.ToolSet: ToolSetRequest.Read(ref reader); break;
            default: break; // the server answers UNKNOWN_OPCODE without reading the body
        }
    }

    private static void DecodeResponse(ReadOnlySequence<byte> payload, Opcode opcode)
    {
        var reader = new ProtocolReader(payload);
        var header = ResponseHeader.Read(ref reader);
        if (header.Status != StatusCode.Ok)
        {
            ErrorResponse.Read(ref reader);
            return;
        }

        switch (opcode)
        {
            case Opcode.Ping: EmptyBody.Read(ref reader, "PING response"); break;
            case Opcode.Hello: HelloResponse.Read(ref reader); break;
            case Opcode.GetSchemaById:
                foreach (var reference in SchemaResponse.Read(ref reader).References)
                {
                    _ = reference.Version;
                }

                break;
            case Opcode.GetVersion: VersionResponse.Read(ref reader); break;
            case Opcode.ListSubjects: ListSubjectsResponse.Read(ref reader); break;
            case Opcode.ListVersions or Opcode.Delete: VersionListResponse.Read(ref reader); break;
            case Opcode.Register: RegisterResponse.Read(ref reader); break;
            case Opcode.CheckCompatibility: CheckCompatibilityResponse.Read(ref reader); break;
            case Opcode.Validate:
                var validated = ValidateResponse.Read(ref reader);
                foreach (var error in validated.Errors)
                {
                    _ = error.MessageUtf8.Length;
                }

                foreach (var warning in validated.Warnings)
                {
                    _ = warning.Kind;
                }

                break;
            case Opcode.ValidateBatch:
                foreach (var result in ValidateBatchResponse.Read(ref reader).Results)
                {
                    foreach (var error in result.Errors)
                    {
                        _ = error.MessageUtf8.Length;
                    }
                }

                break;
            case Opcode.UpdateVersion: VersionInfo.Read(ref reader); break;
            case Opcode.GetConfig or Opcode.SetConfig: ConfigResponse.Read(ref reader); break;
            case Opcode.ListSchemaUsages or Opcode.ListReferencedBy: SubjectVersionListResponse.Read(ref reader); break;
            case Opcode.Lint: LintResponse.Read(ref reader); break;
            case Opcode.CheckOutput: CheckOutputResponse.Read(ref reader); break;
            case Opcode.StreamOpen: StreamOpenResponse.Read(ref reader); break;
            case Opcode.StreamChunk: StreamChunkResponse.Read(ref reader); break;
            case Opcode.ToolSet: ToolSetResponse.Read(ref reader); break;
            default: break;
        }
    }

    // ---- schema library ----

    /// <summary>Arbitrary bytes as a schema: compile errors are results; only a budget overrun may throw.</summary>
    private static void SchemaCompile(ReadOnlySpan<byte> input)
    {
        try
        {
            var compilation = SchemaCompiler.Compile(input);
            if (compilation.Schema is { } schema)
            {
                // A compiled schema must validate a few fixed documents without an undocumented exception.
                foreach (var document in SmallDocuments)
                {
                    CheckAgreement(schema, document);
                }
            }
            else if (compilation.Errors.Count == 0)
            {
                throw new AgreementException("compilation failed without an error");
            }
        }
        catch (TooComplexException)
        {
        }
    }

    private static readonly byte[][] SmallDocuments =
        [.. new[] { "null", "0", "-1.5e3", "\"\"", "\"abc\"", "[]", "[1,\"a\",null]", "{}", """{"a":1,"b":[true,{}]}""" }
            .Select(Encoding.UTF8.GetBytes)];

    /// <summary>The fixed schemas of the validator target: together they reach most keywords and formats.</summary>
    internal static readonly string[] ValidatorSchemas =
    [
        """
        {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["id","name"],
         "properties":{"id":{"type":"integer","minimum":1,"multipleOf":1},"name":{"type":"string","minLength":1,"maxLength":40,"pattern":"^[A-Za-z][\\w .-]*$"},
           "tags":{"type":"array","items":{"type":"string","enum":["a","b","c"]},"uniqueItems":true,"maxItems":5},
           "price":{"type":"number","exclusiveMinimum":0,"multipleOf":0.01},"email":{"type":"string","format":"email"},
           "when":{"type":"string","format":"date-time"}},"additionalProperties":false}
        """,
        """
        {"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"node":{"type":"object","properties":{"v":{"type":["integer","null"]},"next":{"$ref":"#/$defs/node"}},"unevaluatedProperties":false}},
         "oneOf":[{"$ref":"#/$defs/node"},{"type":"array","prefixItems":[{"const":1},{"type":"string"}],"items":false,"contains":{"type":"string"},"minContains":1}]}
        """,
        """
        {"$schema":"https://json-schema.org/draft/2020-12/schema","anyOf":[{"type":"string","format":"ipv4"},{"type":"string","format":"uri"},{"type":"string","format":"uuid"},{"type":"number","maximum":100}],
         "not":{"const":"forbidden"},"if":{"type":"string"},"then":{"maxLength":64},"else":{"minimum":-100}}
        """,
        """
        {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","patternProperties":{"^x-":{"type":"string"},"^[0-9]+$":{"type":"integer"}},
         "propertyNames":{"maxLength":8},"minProperties":1,"maxProperties":6,"dependencies":{"a":["b"],"c":{"required":["d"]}},
         "additionalProperties":{"type":"array","additionalItems":false,"items":[{"type":"boolean"},{"enum":[1,"1",null,{"k":[1]}]}]}}
        """,
        """
        {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","dependentRequired":{"a":["b"]},"dependentSchemas":{"c":{"properties":{"c":{"type":"string","format":"date"}}}},
         "properties":{"list":{"type":"array","items":{"$ref":"#"},"maxItems":3}},"unevaluatedProperties":{"type":["number","string"],"pattern":"\\p{L}+|\\d{2,}"}}
        """,
    ];

    private static CompiledSchema[]? _validatorSchemas;

    private static CompiledSchema[] CompiledValidatorSchemas => _validatorSchemas ??= [.. ValidatorSchemas.Select(s =>
        SchemaCompiler.Compile(Encoding.UTF8.GetBytes(s)).Schema ?? throw new InvalidOperationException("a fixed fuzz schema does not compile"))];

    /// <summary>
    /// Byte 0 picks a fixed schema; the rest is the document. The pass/fail path (<c>Evaluate</c>) and the full-error
    /// path (<c>Validate</c>) must agree, and an invalid document must carry at least one error.
    /// </summary>
    private static void Validate(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var schemas = CompiledValidatorSchemas;
        CheckAgreement(schemas[input[0] % schemas.Length], input[1..]);
    }

    private static void CheckAgreement(CompiledSchema schema, ReadOnlySpan<byte> document)
    {
        ValidationOutcome quick;
        try
        {
            quick = schema.Evaluate(document);
        }
        catch (TooComplexException)
        {
            return;
        }

        ValidationResult full;
        try
        {
            full = schema.Validate(document, 100);
        }
        catch (TooComplexException)
        {
            return;
        }

        if (quick != full.Outcome)
        {
            throw new AgreementException($"Evaluate says {quick}, Validate says {full.Outcome}");
        }

        if (full.Outcome != ValidationOutcome.Valid && full.Errors.Count == 0)
        {
            throw new AgreementException($"Validate says {full.Outcome} without an error");
        }

        if (full.Outcome == ValidationOutcome.Valid && full.Errors.Count != 0)
        {
            throw new AgreementException("Validate says Valid with errors");
        }
    }

    /// <summary>
    /// The first line is an ECMA-262 pattern, the rest a subject string. The pattern goes through the schema compiler
    /// (which parses and translates it, or refuses it with an error) and, when accepted, is matched against the subject
    /// by both validation paths, which must agree.
    /// </summary>
    private static void Pattern(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var pattern = newline < 0 ? text : text[..newline];
        var subject = newline < 0 ? "" : text[(newline + 1)..];
        var schemaJson = "{\"type\":\"string\",\"pattern\":" + JsonSerializer.Serialize(pattern, FuzzJson.Default.String) + "}";
        CompiledSchema? schema;
        try
        {
            schema = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(schemaJson)).Schema;
        }
        catch (TooComplexException)
        {
            return;
        }

        if (schema is not null)
        {
            CheckAgreement(schema, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(subject, FuzzJson.Default.String)));
        }
    }

    /// <summary>
    /// The JSON tape parser, which documents that it does not throw for any input, checked against
    /// System.Text.Json: a document on the tape parses there too, and one that parses there (within the depth limit)
    /// is on the tape unless it has a duplicate key.
    /// </summary>
    private static void JsonTapeParse(ReadOnlySpan<byte> input)
    {
        const int maxDepth = 32;
        var tape = new JsonTape();
        int[]? stack = null;
        var status = JsonTapeBuilder.Build(tape, input, maxDepth, ref stack, out var offset);
        if (offset < 0 || (status != TapeStatus.Ok && status != TapeStatus.DuplicateKey && offset > input.Length))
        {
            throw new AgreementException($"error offset {offset} outside the {input.Length}-byte document");
        }

        bool parses;
        var unreadableText = false;
        try
        {
            using var document = JsonDocument.Parse(input.ToArray(), new JsonDocumentOptions { MaxDepth = maxDepth + 1 });
            parses = true;
            unreadableText = HasUnreadableText(document.RootElement);
        }
        catch (JsonException)
        {
            parses = false;
        }

        if (status == TapeStatus.Ok && !parses)
        {
            throw new AgreementException("the tape accepted a document System.Text.Json refuses");
        }

        // System.Text.Json leaves the UTF-8 inside strings unchecked until a string is read; the tape checks it.
        // A \u escape of a lone surrogate is JSON syntax with no text behind it: the tape refuses it on purpose
        // (tests/Registry.Schemas.Tests/Validation/SurrogateEscapeTests.cs); System.Text.Json throws only when it is read.
        if (status == TapeStatus.Malformed && parses && !unreadableText && System.Text.Unicode.Utf8.IsValid(input))
        {
            throw new AgreementException("the tape refused as malformed a document System.Text.Json accepts");
        }

        if (status == TapeStatus.Ok)
        {
            for (var i = 0; i < tape.Count; i++)
            {
                _ = tape.Bytes(input, i).Length;
            }
        }
    }

    // ---- HTTP request bodies of both APIs ----

    /// <summary>Every JSON body the native and Confluent APIs read into a model: its shape and its serialiser.</summary>
    private static readonly Func<ReadOnlyMemory<byte>, object?>[] Bodies =
    [
        b => Read(b, Registry.Server.Http.Native.NativeBodies.Registration, Registry.Server.Http.Native.NativeJsonContext.Wire.RegisterSchemaRequest),
        b => Read(b, Registry.Server.Http.Native.NativeBodies.SchemaInput, Registry.Server.Http.Native.NativeJsonContext.Wire.SchemaInputRequest),
        b => Read(b, Registry.Server.Http.Native.NativeBodies.StateChange, Registry.Server.Http.Native.NativeJsonContext.Wire.StateChangeRequest),
        b => Read(b, Registry.Server.Http.Native.NativeBodies.Metadata, Registry.Server.Http.Native.NativeJsonContext.Wire.MetadataModel),
        b => Read(b, Registry.Server.Http.Native.NativeBodies.Config, Registry.Server.Http.Native.NativeJsonContext.Wire.ConfigRequest),
        b => Read(b, Registry.Server.Http.Native.NativeBodies.Mode, Registry.Server.Http.Native.NativeJsonContext.Wire.ModeRequest),
        b => Read(b, Registry.Server.Http.Native.NativeBodies.Alias, Registry.Server.Http.Native.NativeJsonContext.Wire.AliasRequest),
        b => Read(b, Registry.Server.Http.Native.NativeBodies.ToolSet, Registry.Server.Http.Native.NativeJsonContext.Wire.ToolSetRequest),
        b => Read(b, Registry.Server.Security.SecurityJsonContext.KeyBody, Registry.Server.Security.SecurityJsonContext.Wire.KeyRequest),
        b => Read(b, Registry.Server.Confluent.ConfluentBodies.Schema, Registry.Server.Confluent.ConfluentJsonContext.Wire.ConfluentSchemaRequest),
        b => Read(b, Registry.Server.Confluent.ConfluentBodies.Config, Registry.Server.Confluent.ConfluentJsonContext.Wire.ConfluentConfigRequest),
        b => Read(b, Registry.Server.Confluent.ConfluentBodies.Mode, Registry.Server.Confluent.ConfluentJsonContext.Wire.ConfluentMode),
    ];

    /// <summary>
    /// Byte 0 chooses one of <see cref="Bodies"/>; the rest is the request body. Both APIs read a body in two steps,
    /// the shape check (which names the field at fault) and then the source-generated serialiser; the property is that
    /// the shape check never throws, and that a body it lets through is either read or refused by the serialiser with
    /// an exception the readers turn into a 400 (JsonException, InvalidOperationException, NotSupportedException) —
    /// nothing a handler would answer with a 500.
    /// </summary>
    private static void HttpBody(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var read = Bodies[input[0] % Bodies.Length];
        _ = read(input[1..].ToArray());
    }

    private static T? Read<T>(ReadOnlyMemory<byte> body, Registry.Server.Http.BodyShape shape, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (Registry.Server.Http.BodyCheck.Problem(body.Span, shape, typeInfo.Options.MaxDepth) is not null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body.Span, typeInfo);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>True when a string or member name of <paramref name="element"/> cannot be read as text (a lone surrogate escape).</summary>
    private static bool HasUnreadableText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return false;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (HasUnreadableText(item))
                        {
                            return true;
                        }
                    }

                    return false;
                case JsonValueKind.Object:
                    foreach (var member in element.EnumerateObject())
                    {
                        if (HasUnreadableText(member.Value))
                        {
                            return true;
                        }

                        _ = member.Name;
                    }

                    return false;
                default:
                    return false;
            }
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>
    /// A model's raw output through the whole check (extraction from prose and fences, every repair, truncation
    /// detection, validation against a fixed schema, feedback): no exception for any input.
    /// </summary>
    private static void ModelOutput(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var schemas = CompiledValidatorSchemas;
        var options = new ModelOutputOptions { Repairs = RepairKinds.All, Partial = (input[0] & 0x10) != 0 };
        var result = ModelOutputChecker.Check(input[1..], schemas[input[0] % schemas.Length], options);
        _ = result.Verdict;
    }

    /// <summary>
    /// A document fed to a partial-validation session in chunks (byte 0 picks the schema and the chunk size): a
    /// violation reported early must be one the full validator also finds (the document is not valid).
    /// </summary>
    private static void Streaming(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var schemas = CompiledValidatorSchemas;
        var schema = schemas[input[0] % schemas.Length];
        var chunk = 1 + (input[0] >> 3);
        var document = input[1..];
        var session = new StreamingValidationSession(schema);
        try
        {
            for (var at = 0; at < document.Length; at += chunk)
            {
                session.Feed(document.Slice(at, Math.Min(chunk, document.Length - at)));
            }

            var early = session.Violations.Count > 0;
            var final = session.Complete();
            var full = schema.Evaluate(document);
            if (early && full == ValidationOutcome.Valid)
            {
                throw new AgreementException($"the session reported a violation ({session.Violations[0]}) in a valid document");
            }

            if (final.IsValid != (full == ValidationOutcome.Valid))
            {
                throw new AgreementException($"the session's verdict {final.Outcome} differs from the validator's {full}");
            }
        }
        catch (TooComplexException)
        {
        }
    }
}
