using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>A request body: knows its opcode and writes itself.</summary>
public interface IRequestBody
{
    /// <summary>The opcode this body belongs to.</summary>
    static abstract Opcode Opcode { get; }

    /// <summary>Writes the body (the last element of the request envelope).</summary>
    void Write(ref MessagePackWriter writer);
}

/// <summary>A response body that writes itself.</summary>
public interface IResponseBody
{
    /// <summary>Writes the body (the third element of the response envelope).</summary>
    void Write(ref MessagePackWriter writer);
}

/// <summary>
/// The start of every request payload: <c>[requestId: uint32, opcode: int, body]</c>, or from protocol version 2 also
/// <c>[requestId: uint32, opcode: int, traceparent: str | nil, body]</c>, which carries the caller's W3C trace context.
/// The body follows the header on the same reader and is read by the opcode's message type, which also checks that
/// nothing trails it.
/// </summary>
/// <param name="RequestId">Chosen by the client, echoed in the response; 0 is reserved for connection-level errors.</param>
/// <param name="Opcode">What the request asks for; may be undefined (answer <see cref="StatusCode.UnknownOpcode"/>).</param>
/// <param name="TraceParent">
/// The caller's W3C <c>traceparent</c> (<c>00-{trace id}-{span id}-{flags}</c>) when it sent one; the server continues
/// that trace. Not validated here: a value that does not parse is ignored, as the W3C recommendation asks.
/// </param>
public readonly record struct RequestHeader(uint RequestId, Opcode Opcode, string? TraceParent = null)
{
    /// <summary>Deepest nesting inside a value that a reader skips (an unknown trailing field).</summary>
    public const int MaxSkipDepth = 32;

    /// <summary>Longest <c>traceparent</c> read; the W3C version 00 form is 55 characters, later versions may add fields.</summary>
    public const int MaxTraceParentBytes = 256;

    /// <summary>The first protocol version whose envelope may carry a <c>traceparent</c>.</summary>
    public const int TraceContextVersion = 2;

    /// <summary>
    /// Reads the envelope up to the body under protocol version 1 (before HELLO, and with clients that negotiated 1).
    /// Throws <see cref="ProtocolException"/> when it is malformed, including a request id of 0: its answer could not be
    /// told from a connection-level error.
    /// </summary>
    public static RequestHeader Read(ref ProtocolReader reader) => Read(ref reader, ProtocolVersions.Min);

    /// <summary>
    /// Reads the envelope up to the body under the negotiated <paramref name="protocolVersion"/>: from version 2 the
    /// four-element form with a <c>traceparent</c> is accepted beside the three-element one.
    /// </summary>
    public static RequestHeader Read(ref ProtocolReader reader, int protocolVersion)
    {
        var fields = reader.ReadArrayHeader("request", ProtocolLimits.MaxBodyFields);
        if (fields != 3 && (fields != 4 || protocolVersion < TraceContextVersion))
        {
            if (protocolVersion < TraceContextVersion)
            {
                ProtocolErrors.WrongFieldCount("request", fields, 3);
            }

            ProtocolErrors.WrongEnvelope(fields);
        }

        var id = reader.ReadUInt32("request.id");
        if (id == 0)
        {
            ProtocolErrors.ReservedRequestId();
        }

        // Any int is accepted here so that an undefined opcode gets UNKNOWN_OPCODE with its request id.
        var opcode = reader.ReadInt32("request.opcode");
        var traceParent = fields == 4 ? reader.ReadNullableString("request.traceparent", MaxTraceParentBytes) : null;
        return new RequestHeader(id, (Opcode)opcode, traceParent);
    }

    /// <summary>Writes the envelope up to the body; the body must follow.</summary>
    public static void Write(ref MessagePackWriter writer, uint requestId, Opcode opcode)
    {
        writer.WriteArrayHeader(3);
        writer.Write(requestId);
        writer.Write((int)opcode);
    }

    /// <summary>
    /// Writes the four-element envelope of protocol version 2 with <paramref name="traceParent"/> (only to a peer that
    /// negotiated version 2 or later); the body must follow.
    /// </summary>
    public static void Write(ref MessagePackWriter writer, uint requestId, Opcode opcode, string traceParent)
    {
        ArgumentNullException.ThrowIfNull(traceParent);
        writer.WriteArrayHeader(4);
        writer.Write(requestId);
        writer.Write((int)opcode);
        writer.Write(traceParent);
    }
}

/// <summary>
/// The start of every response payload: <c>[requestId: uint32, status: int, body]</c>. With
/// <see cref="StatusCode.Ok"/> the body is the opcode's response; otherwise it is an <see cref="ErrorResponse"/>.
/// </summary>
/// <param name="RequestId">The id of the request answered; 0 for a connection-level error.</param>
/// <param name="Status">The outcome.</param>
public readonly record struct ResponseHeader(uint RequestId, StatusCode Status)
{
    /// <summary>Reads the envelope up to the body.</summary>
    public static ResponseHeader Read(ref ProtocolReader reader)
    {
        reader.ReadExactFields("response", 3);
        var id = reader.ReadUInt32("response.id");

        // Unknown statuses are kept: a newer server may send one, and the client treats it as an error.
        var status = reader.ReadInt32("response.status", min: 0);
        return new ResponseHeader(id, (StatusCode)status);
    }

    /// <summary>Writes the envelope up to the body; the body must follow.</summary>
    public static void Write(ref MessagePackWriter writer, uint requestId, StatusCode status)
    {
        writer.WriteArrayHeader(3);
        writer.Write(requestId);
        writer.Write((int)status);
    }
}

/// <summary>Whole-envelope writers for bodies that write themselves.</summary>
public static class Envelope
{
    /// <summary>Writes <c>[requestId, opcode, body]</c>.</summary>
    public static void WriteRequest<T>(ref MessagePackWriter writer, uint requestId, in T body)
        where T : IRequestBody
    {
        RequestHeader.Write(ref writer, requestId, T.Opcode);
        body.Write(ref writer);
    }

    /// <summary>Writes <c>[requestId, OK, body]</c>.</summary>
    public static void WriteResponse<T>(ref MessagePackWriter writer, uint requestId, in T body)
        where T : IResponseBody
    {
        ResponseHeader.Write(ref writer, requestId, StatusCode.Ok);
        body.Write(ref writer);
    }

    /// <summary>Writes <c>[requestId, OK, nil]</c>: the response of opcodes without a response body (PING).</summary>
    public static void WriteEmptyResponse(ref MessagePackWriter writer, uint requestId)
    {
        ResponseHeader.Write(ref writer, requestId, StatusCode.Ok);
        writer.WriteNil();
    }

    /// <summary>Writes <c>[requestId, status, [message, differences, schemaErrors]]</c> with empty lists.</summary>
    public static void WriteError(ref MessagePackWriter writer, uint requestId, StatusCode status, string message)
    {
        ResponseHeader.Write(ref writer, requestId, status);
        ErrorResponse.Write(ref writer, message);
    }
}

/// <summary>
/// A body with no fields (PING's request and response): written as nil. A reader also accepts an array and skips
/// its elements, so a later protocol version may add fields.
/// </summary>
public static class EmptyBody
{
    /// <summary>Reads an empty body and requires the end of the payload.</summary>
    public static void Read(ref ProtocolReader reader, string shape)
    {
        if (!reader.TryReadNil())
        {
            var extra = reader.ReadFields(shape, 0);
            reader.Skip(shape, extra);
        }

        reader.EnsureEnd(shape);
    }
}

/// <summary>PING's request: no fields.</summary>
public readonly record struct PingRequest : IRequestBody
{
    /// <inheritdoc />
    public static Opcode Opcode => Opcode.Ping;

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer) => writer.WriteNil();

    /// <summary>Reads the body.</summary>
    public static PingRequest Read(ref ProtocolReader reader)
    {
        EmptyBody.Read(ref reader, "PING body");
        return default;
    }
}

/// <summary>
/// The body of every non-OK response: <c>[message: str, differences: [difference] | nil, schemaErrors: [error] | nil]</c>.
/// <see cref="Differences"/> is filled for <see cref="StatusCode.Incompatible"/>, <see cref="SchemaErrors"/> for
/// <see cref="StatusCode.InvalidSchema"/>; both are empty otherwise.
/// </summary>
public sealed record ErrorResponse : IResponseBody
{
    /// <summary>Human-readable explanation.</summary>
    public required string Message { get; init; }

    /// <summary>Why the schema is incompatible.</summary>
    public IReadOnlyList<SchemaDifference> Differences { get; init; } = [];

    /// <summary>Why the schema is not a valid JSON Schema.</summary>
    public IReadOnlyList<DocumentError> SchemaErrors { get; init; } = [];

    /// <summary>Writes an error body with only a message.</summary>
    public static void Write(ref MessagePackWriter writer, string message)
    {
        writer.WriteArrayHeader(3);
        writer.Write(message);
        writer.WriteNil();
        writer.WriteNil();
    }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(3);
        writer.Write(Message);
        if (Differences.Count == 0)
        {
            writer.WriteNil();
        }
        else
        {
            SchemaDifference.WriteList(ref writer, Differences);
        }

        if (SchemaErrors.Count == 0)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteArrayHeader(SchemaErrors.Count);
            for (var i = 0; i < SchemaErrors.Count; i++)
            {
                SchemaErrors[i].Write(ref writer);
            }
        }
    }

    /// <summary>Reads the body of a non-OK response.</summary>
    public static ErrorResponse Read(ref ProtocolReader reader)
    {
        const string Shape = "error response";
        var extra = reader.ReadFields(Shape, 3);
        var message = reader.ReadString("error.message", ProtocolLimits.MaxTextBytes);
        SchemaDifference[] differences = reader.TryReadNil() ? [] : SchemaDifference.ReadList(ref reader, "error.differences");
        DocumentError[] schemaErrors = reader.TryReadNil() ? [] : DocumentError.ReadList(ref reader, "error.schemaErrors");
        reader.EndBody(Shape, extra);
        return new ErrorResponse { Message = message, Differences = differences, SchemaErrors = schemaErrors };
    }
}
