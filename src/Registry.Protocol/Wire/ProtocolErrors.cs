using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MessagePack;

namespace Registry.Protocol.Wire;

/// <summary>
/// Throw helpers for every way a payload can be refused. Kept out of line so the readers' fast paths stay small;
/// the message is only formatted when something is actually wrong.
/// </summary>
internal static class ProtocolErrors
{
    [DoesNotReturn]
    public static void Truncated(string field)
        => throw new ProtocolException(StatusCode.MalformedFrame, $"{field}: the payload ends inside or before this value.");

    [DoesNotReturn]
    public static void WrongType(string field, string expected, byte code)
        => throw new ProtocolException(
            StatusCode.MalformedFrame,
            $"{field}: expected {expected}, found MessagePack {MessagePackCode.ToFormatName(code)}.");

    [DoesNotReturn]
    public static void InvalidCode(string field, byte code)
        => throw new ProtocolException(
            StatusCode.MalformedFrame,
            string.Create(CultureInfo.InvariantCulture, $"{field}: byte 0x{code:X2} is not a MessagePack type."));

    [DoesNotReturn]
    public static void InvalidUtf8(string field)
        => throw new ProtocolException(StatusCode.MalformedFrame, $"{field}: the string is not valid UTF-8.");

    [DoesNotReturn]
    public static void MissingFields(string shape, int count, int required)
        => throw new ProtocolException(
            StatusCode.MalformedFrame,
            string.Create(CultureInfo.InvariantCulture, $"{shape}: has {count} fields, needs at least {required}."));

    [DoesNotReturn]
    public static void WrongFieldCount(string shape, int count, int required)
        => throw new ProtocolException(
            StatusCode.MalformedFrame,
            string.Create(CultureInfo.InvariantCulture, $"{shape}: has {count} elements, must have exactly {required}."));

    [DoesNotReturn]
    public static void WrongEnvelope(int count)
        => throw new ProtocolException(
            StatusCode.MalformedFrame,
            string.Create(CultureInfo.InvariantCulture, $"request: has {count} elements, must have 3 ([id, opcode, body]) or 4 ([id, opcode, traceparent, body])."));

    [DoesNotReturn]
    public static void TrailingBytes(string shape)
        => throw new ProtocolException(StatusCode.MalformedFrame, $"{shape}: bytes follow the end of the message.");

    [DoesNotReturn]
    public static void TooDeep(string field)
        => throw new ProtocolException(
            StatusCode.MalformedFrame,
            string.Create(CultureInfo.InvariantCulture, $"{field}: nested deeper than {ProtocolLimits.MaxSkipDepth} levels."));

    [DoesNotReturn]
    public static void TooLong(string field, long limit)
        => throw new ProtocolException(
            StatusCode.TooLarge,
            string.Create(CultureInfo.InvariantCulture, $"{field}: longer than the limit of {limit}."));

    [DoesNotReturn]
    public static void TooMany(string field, long limit)
        => throw new ProtocolException(
            StatusCode.TooLarge,
            string.Create(CultureInfo.InvariantCulture, $"{field}: more than the limit of {limit} elements."));

    [DoesNotReturn]
    public static void OutOfRange(string field, long value)
        => throw new ProtocolException(
            StatusCode.BadRequest,
            string.Create(CultureInfo.InvariantCulture, $"{field}: {value} is out of range."));

    [DoesNotReturn]
    public static void OutOfRange(string field, ulong value)
        => throw new ProtocolException(
            StatusCode.BadRequest,
            string.Create(CultureInfo.InvariantCulture, $"{field}: {value} is out of range."));

    [DoesNotReturn]
    public static void ReservedRequestId()
        => throw new ProtocolException(StatusCode.MalformedFrame, "request.id: 0 is reserved for connection-level errors.");

    [DoesNotReturn]
    public static void BadValue(string field, string why)
        => throw new ProtocolException(StatusCode.BadRequest, $"{field}: {why}");
}
