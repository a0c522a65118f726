using System.Buffers;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// CHECK_OUTPUT's request: <c>[schemaId: int | nil, subject: str | nil, version: int | str, output: bin, extract: bool,
/// repair: str, preferValid: bool, partial: bool, feedback: bool, maxErrors: int, profile: str | nil,
/// toolCallId: str | nil]</c>. The target fields are VALIDATE's. The options are those of HTTP
/// <c>check-output</c>: <c>repair</c> is <c>none</c> (or empty), <c>all</c>, or a comma-separated list of repair names;
/// <c>profile</c> names the provider profile the output was generated under (its shape is mapped back first).
/// </summary>
public sealed record CheckOutputRequest : IRequestBody
{
    private const string Shape = "CHECK_OUTPUT body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.CheckOutput;

    /// <summary>The schema id checked against; null when a subject's version is.</summary>
    public int? SchemaId { get; init; }

    /// <summary>The subject whose version is checked against; null with a schema id.</summary>
    public string? Subject { get; init; }

    /// <summary>The version (or <see cref="VersionSelector.Latest"/>); counts only with <see cref="Subject"/>.</summary>
    public int Version { get; init; } = VersionSelector.Latest;

    /// <summary>The alias whose version is the target (<see cref="Version"/> is then ignored), or null; counts only with <see cref="Subject"/>.</summary>
    public string? Alias { get; init; }

    /// <summary>The model's raw output (UTF-8 text; it need not be JSON).</summary>
    public required ReadOnlyMemory<byte> Output { get; init; }

    /// <summary>Find the JSON inside code fences or prose.</summary>
    public bool Extract { get; init; } = true;

    /// <summary>The repairs allowed: <c>none</c> (or empty), <c>all</c>, or a comma-separated list of names.</summary>
    public string Repair { get; init; } = "";

    /// <summary>Among several candidates, take the first that validates.</summary>
    public bool PreferValid { get; init; } = true;

    /// <summary>The output is a prefix of a stream still being generated.</summary>
    public bool Partial { get; init; }

    /// <summary>Write feedback for the model when the output is not valid.</summary>
    public bool Feedback { get; init; } = true;

    /// <summary>Most violations reported (capped by the server).</summary>
    public int MaxErrors { get; init; } = 20;

    /// <summary>The provider profile the output was generated under; null for none.</summary>
    public string? Profile { get; init; }

    /// <summary>The tool call id echoed in the ready-to-send feedback messages.</summary>
    public string? ToolCallId { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(12);
        if (Subject is null)
        {
            ValidationTarget.WriteSchemaId(ref writer, SchemaId ?? 0);
        }
        else
        {
            ValidationTarget.WriteSubject(ref writer, Subject, new VersionTarget(Version, Alias));
        }

        writer.WriteBlob(Output.Span);
        writer.Write(Extract);
        writer.Write(Repair);
        writer.Write(PreferValid);
        writer.Write(Partial);
        writer.Write(Feedback);
        writer.Write(MaxErrors);
        writer.WriteNullable(Profile);
        writer.WriteNullable(ToolCallId);
    }

    /// <summary>Reads the body.</summary>
    public static CheckOutputRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 12);
        var (schemaId, subject, version, alias) = ValidationTarget.ReadOwned(ref reader, "CHECK_OUTPUT", "CHECK_OUTPUT.subject", "CHECK_OUTPUT.version");
        var output = reader.ReadBlob("CHECK_OUTPUT.output").ToArray();
        var extract = reader.ReadBoolean("CHECK_OUTPUT.extract");
        var repair = reader.ReadString("CHECK_OUTPUT.repair", ProtocolLimits.MaxShortStringBytes);
        var preferValid = reader.ReadBoolean("CHECK_OUTPUT.preferValid");
        var partial = reader.ReadBoolean("CHECK_OUTPUT.partial");
        var feedback = reader.ReadBoolean("CHECK_OUTPUT.feedback");
        var maxErrors = reader.ReadInt32("CHECK_OUTPUT.maxErrors", min: 1);
        var profile = reader.ReadNullableString("CHECK_OUTPUT.profile", ProtocolLimits.MaxShortStringBytes);
        var toolCallId = reader.ReadNullableString("CHECK_OUTPUT.toolCallId", 256);
        reader.EndBody(Shape, extra);
        return new CheckOutputRequest
        {
            SchemaId = schemaId,
            Subject = subject,
            Version = version,
            Alias = alias,
            Output = output,
            Extract = extract,
            Repair = repair,
            PreferValid = preferValid,
            Partial = partial,
            Feedback = feedback,
            MaxErrors = maxErrors,
            Profile = profile,
            ToolCallId = toolCallId,
        };
    }
}

/// <summary>
/// CHECK_OUTPUT's response: <c>[schemaId: int, verdict: str, valid: bool, result: bin]</c>. <c>verdict</c> is the
/// check's verdict (<c>valid</c>, <c>invalid</c>, <c>truncated</c>, <c>incomplete</c>, <c>malformed</c>,
/// <c>no_json</c>); <c>result</c> is the UTF-8 JSON object that HTTP <c>check-output</c> answers, byte for byte
/// (extraction, repairs, truncation, errors, feedback), so that both APIs give one result.
/// </summary>
public sealed record CheckOutputResponse : IResponseBody
{
    private const string Shape = "CHECK_OUTPUT response";

    /// <summary>The schema checked against.</summary>
    public int SchemaId { get; init; }

    /// <summary>The verdict's name.</summary>
    public required string Verdict { get; init; }

    /// <summary>True when the output is valid.</summary>
    public bool Valid { get; init; }

    /// <summary>The whole result as UTF-8 JSON, as HTTP <c>check-output</c> returns it.</summary>
    public required ReadOnlyMemory<byte> Result { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(SchemaId);
        writer.Write(Verdict);
        writer.Write(Valid);
        writer.WriteBlob(Result.Span);
    }

    /// <summary>Reads the body.</summary>
    public static CheckOutputResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        var schemaId = reader.ReadInt32("CHECK_OUTPUT.schemaId", min: 1);
        var verdict = reader.ReadString("CHECK_OUTPUT.verdict", ProtocolLimits.MaxShortStringBytes);
        var valid = reader.ReadBoolean("CHECK_OUTPUT.valid");
        var result = reader.ReadBlob("CHECK_OUTPUT.result").ToArray();
        reader.EndBody(Shape, extra);
        return new CheckOutputResponse { SchemaId = schemaId, Verdict = verdict, Valid = valid, Result = result };
    }
}

/// <summary>
/// STREAM_OPEN's request: <c>[schemaId: int | nil, subject: str | nil, version: int | str, extract: bool, profile: str | nil]</c>
/// (target fields as VALIDATE's). Opens a partial-validation session on this connection, fed by STREAM_CHUNK. With
/// <c>extract</c>, text before the JSON value (prose, a code fence) is skipped; <c>profile</c> names the provider
/// profile the output is generated under, as in CHECK_OUTPUT (optional: a body of four fields has none).
/// </summary>
public sealed record StreamOpenRequest : IRequestBody
{
    private const string Shape = "STREAM_OPEN body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.StreamOpen;

    /// <summary>The schema id validated against; null when a subject's version is.</summary>
    public int? SchemaId { get; init; }

    /// <summary>The subject whose version is validated against; null with a schema id.</summary>
    public string? Subject { get; init; }

    /// <summary>The version (or <see cref="VersionSelector.Latest"/>); counts only with <see cref="Subject"/>.</summary>
    public int Version { get; init; } = VersionSelector.Latest;

    /// <summary>The alias whose version is the target (<see cref="Version"/> is then ignored), or null; counts only with <see cref="Subject"/>.</summary>
    public string? Alias { get; init; }

    /// <summary>Skip text around the JSON value (prose, code fences).</summary>
    public bool Extract { get; init; }

    /// <summary>The provider profile the output is generated under (<c>openai-strict</c>), or null.</summary>
    public string? Profile { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        if (Subject is null)
        {
            ValidationTarget.WriteSchemaId(ref writer, SchemaId ?? 0);
        }
        else
        {
            ValidationTarget.WriteSubject(ref writer, Subject, new VersionTarget(Version, Alias));
        }

        writer.Write(Extract);
        writer.WriteNullable(Profile);
    }

    /// <summary>Reads the body.</summary>
    public static StreamOpenRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        var (schemaId, subject, version, alias) = ValidationTarget.ReadOwned(ref reader, "STREAM_OPEN", "STREAM_OPEN.subject", "STREAM_OPEN.version");
        var extract = reader.ReadBoolean("STREAM_OPEN.extract");
        string? profile = null;
        if (extra > 0)
        {
            profile = reader.ReadNullableString("STREAM_OPEN.profile", ProtocolLimits.MaxShortStringBytes);
            extra--;
        }

        reader.EndBody(Shape, extra);
        return new StreamOpenRequest { SchemaId = schemaId, Subject = subject, Version = version, Alias = alias, Extract = extract, Profile = profile };
    }
}

/// <summary>STREAM_OPEN's response: <c>[streamId: int, schemaId: int]</c>; the id names the session in STREAM_CHUNK.</summary>
public sealed record StreamOpenResponse : IResponseBody
{
    private const string Shape = "STREAM_OPEN response";

    /// <summary>The session's id on this connection.</summary>
    public int StreamId { get; init; }

    /// <summary>The schema validated against.</summary>
    public int SchemaId { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(StreamId);
        writer.Write(SchemaId);
    }

    /// <summary>Reads the body.</summary>
    public static StreamOpenResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 2);
        var streamId = reader.ReadInt32("STREAM_OPEN.streamId", min: 1);
        var schemaId = reader.ReadInt32("STREAM_OPEN.schemaId", min: 1);
        reader.EndBody(Shape, extra);
        return new StreamOpenResponse { StreamId = streamId, SchemaId = schemaId };
    }
}

/// <summary>
/// STREAM_CHUNK's request: <c>[streamId: int, chunk: bin, final: bool]</c>. The next bytes of the document, in order;
/// <c>final</c> ends the document (the chunk may be empty) and closes the session.
/// </summary>
public sealed record StreamChunkRequest : IRequestBody
{
    private const string Shape = "STREAM_CHUNK body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.StreamChunk;

    /// <summary>The session, as STREAM_OPEN named it.</summary>
    public int StreamId { get; init; }

    /// <summary>The next bytes.</summary>
    public ReadOnlyMemory<byte> Chunk { get; init; }

    /// <summary>True for the last chunk.</summary>
    public bool Final { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(StreamId);
        writer.WriteBlob(Chunk.Span);
        writer.Write(Final);
    }

    /// <summary>Reads the body (the chunk is copied out of the frame).</summary>
    public static StreamChunkRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 3);
        var streamId = reader.ReadInt32("STREAM_CHUNK.streamId", min: 1);
        var chunk = reader.ReadBlob("STREAM_CHUNK.chunk").ToArray();
        var final = reader.ReadBoolean("STREAM_CHUNK.final");
        reader.EndBody(Shape, extra);
        return new StreamChunkRequest { StreamId = streamId, Chunk = chunk, Final = final };
    }
}

/// <summary>
/// One violation no continuation can fix (or, at the end, the validator's error). Wire: <c>[instanceLocation: str,
/// keywordLocation: str, keyword: str, message: str, byteOffset: int64]</c> (<c>byteOffset</c> -1 when unknown).
/// </summary>
/// <param name="InstanceLocation">JSON pointer into the document.</param>
/// <param name="KeywordLocation">JSON pointer of the failing keyword.</param>
/// <param name="Keyword">The keyword (<c>type</c>, <c>enum</c>, <c>additionalProperties</c>, <c>json</c> for syntax).</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="ByteOffset">Offset in the stream of the byte that made it definite; -1 when unknown.</param>
public sealed record StreamViolation(string InstanceLocation, string KeywordLocation, string Keyword, string Message, long ByteOffset)
{
    internal const int MinEncodedBytes = 6;

    /// <summary>Writes the violation.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(InstanceLocation);
        writer.Write(KeywordLocation);
        writer.Write(Keyword);
        writer.Write(Message);
        writer.Write(ByteOffset);
    }

    internal static StreamViolation Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("stream violation", 5);
        var instance = reader.ReadString("violation.instanceLocation", ProtocolLimits.MaxTextBytes);
        var keyword = reader.ReadString("violation.keywordLocation", ProtocolLimits.MaxTextBytes);
        var name = reader.ReadString("violation.keyword", ProtocolLimits.MaxShortStringBytes);
        var message = reader.ReadString("violation.message", ProtocolLimits.MaxTextBytes);
        var offset = reader.ReadInt64("violation.byteOffset");
        reader.Skip("stream violation", extra);
        return new StreamViolation(instance, keyword, name, message, offset);
    }
}

/// <summary>
/// STREAM_CHUNK's response: <c>[verdict: str, canStillBeValid: bool, bytesReceived: int64, errors: [streamViolation]]</c>.
/// <c>verdict</c> is <c>in_progress</c> while the prefix can still become valid and more is expected; <c>invalid</c> or
/// <c>malformed</c> as soon as a violation no continuation can fix appears (the session is then closed); after the
/// final chunk <c>valid</c>, <c>invalid</c>, <c>malformed</c> or <c>truncated</c> (the document ended mid-value).
/// </summary>
public sealed record StreamChunkResponse : IResponseBody
{
    private const string Shape = "STREAM_CHUNK response";

    /// <summary>The verdict so far.</summary>
    public required string Verdict { get; init; }

    /// <summary>True while some continuation of what was received is valid.</summary>
    public bool CanStillBeValid { get; init; }

    /// <summary>Bytes received by the session so far.</summary>
    public long BytesReceived { get; init; }

    /// <summary>The violations found so far.</summary>
    public IReadOnlyList<StreamViolation> Errors { get; init; } = [];

    /// <summary>True when the session is over (a definite violation, or the final chunk).</summary>
    public bool IsFinished => Verdict != "in_progress";

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(Verdict);
        writer.Write(CanStillBeValid);
        writer.Write(BytesReceived);
        writer.WriteArrayHeader(Errors.Count);
        for (var i = 0; i < Errors.Count; i++)
        {
            Errors[i].Write(ref writer);
        }
    }

    /// <summary>Reads the body.</summary>
    public static StreamChunkResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        var verdict = reader.ReadString("STREAM_CHUNK.verdict", ProtocolLimits.MaxShortStringBytes);
        var canStillBeValid = reader.ReadBoolean("STREAM_CHUNK.canStillBeValid");
        var received = reader.ReadInt64("STREAM_CHUNK.bytesReceived");
        var count = reader.ReadArrayHeader("STREAM_CHUNK.errors", ProtocolLimits.MaxErrorsPerDocument, StreamViolation.MinEncodedBytes);
        var errors = new StreamViolation[count];
        for (var i = 0; i < count; i++)
        {
            errors[i] = StreamViolation.Read(ref reader);
        }

        reader.EndBody(Shape, extra);
        return new StreamChunkResponse { Verdict = verdict, CanStillBeValid = canStillBeValid, BytesReceived = received, Errors = errors };
    }
}
