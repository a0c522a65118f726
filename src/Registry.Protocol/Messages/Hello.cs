using System.Buffers;
using System.Text;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>
/// Credentials a client may send in HELLO. Wire: <c>[scheme: str, secret: bin]</c>. A server with authentication on
/// authenticates the connection with them once (docs/protocol.md, section 4; docs/security.md).
/// <see cref="ToString"/> never shows the secret.
/// </summary>
/// <param name="Scheme">How <paramref name="Secret"/> is to be read, e.g. <c>bearer</c> (a token) or <c>basic</c> (<c>user:password</c>).</param>
/// <param name="Secret">The secret itself.</param>
public sealed record Credentials(string Scheme, ReadOnlyMemory<byte> Secret)
{
    /// <summary>Writes the credentials.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(Scheme);
        writer.Write(Secret.Span);
    }

    internal static Credentials? ReadNullable(ref ProtocolReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        var extra = reader.ReadFields("credentials", 2);
        var scheme = reader.ReadString("credentials.scheme", ProtocolLimits.MaxShortStringBytes);
        var secret = reader.ReadNullableBinary("credentials.secret", ProtocolLimits.MaxTextBytes)
            ?? throw new ProtocolException(StatusCode.MalformedFrame, "credentials.secret: must not be nil.");
        reader.Skip("credentials", extra);
        return new Credentials(scheme, secret.ToArray());
    }

    /// <summary>Prints the scheme and the secret's length, never the secret.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Scheme = ").Append(Scheme).Append(", Secret = [").Append(Secret.Length).Append(" bytes]");
        return true;
    }
}

/// <summary>
/// HELLO's request: <c>[minVersion: int, maxVersion: int, clientName: str | nil, credentials | nil]</c>. The server
/// answers with the highest protocol version in both its range and the client's.
/// </summary>
public sealed record HelloRequest : IRequestBody
{
    private const string Shape = "HELLO body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.Hello;

    /// <summary>The oldest protocol version the client speaks.</summary>
    public int MinVersion { get; init; } = ProtocolVersions.Min;

    /// <summary>The newest protocol version the client speaks.</summary>
    public int MaxVersion { get; init; } = ProtocolVersions.Max;

    /// <summary>Who is calling (application name and version), for logs and the created-by of what it registers.</summary>
    public string? ClientName { get; init; }

    /// <summary>Credentials, or null; read and ignored by this server, which has no authentication yet.</summary>
    public Credentials? Credentials { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(MinVersion);
        writer.Write(MaxVersion);
        writer.WriteNullable(ClientName);
        if (Credentials is null)
        {
            writer.WriteNil();
        }
        else
        {
            Credentials.Write(ref writer);
        }
    }

    /// <summary>Reads the body.</summary>
    public static HelloRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        var min = reader.ReadInt32("HELLO.minVersion", min: 1);
        var max = reader.ReadInt32("HELLO.maxVersion", min: min);
        var name = reader.ReadNullableString("HELLO.clientName", ProtocolLimits.MaxShortStringBytes);
        var credentials = Credentials.ReadNullable(ref reader);
        reader.EndBody(Shape, extra);
        return new HelloRequest { MinVersion = min, MaxVersion = max, ClientName = name, Credentials = credentials };
    }
}

/// <summary>
/// HELLO's response: <c>[version: int, serverName: str, maxFrameBytes: int, maxInFlight: int, idleTimeoutMs: int]</c>:
/// the negotiated version and the limits this connection is held to.
/// </summary>
public sealed record HelloResponse : IResponseBody
{
    private const string Shape = "HELLO response";

    /// <summary>The protocol version both sides now speak.</summary>
    public required int Version { get; init; }

    /// <summary>The server's name and version, for logs.</summary>
    public required string ServerName { get; init; }

    /// <summary>Largest frame payload the server accepts and sends.</summary>
    public int MaxFrameBytes { get; init; } = ProtocolLimits.DefaultMaxFrameBytes;

    /// <summary>Most requests the client may have in flight on this connection.</summary>
    public int MaxInFlight { get; init; } = ProtocolLimits.DefaultMaxInFlight;

    /// <summary>The connection is closed after this long with nothing in flight and nothing received.</summary>
    public TimeSpan IdleTimeout { get; init; } = ProtocolLimits.DefaultIdleTimeout;

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(Version);
        writer.Write(ServerName);
        writer.Write(MaxFrameBytes);
        writer.Write(MaxInFlight);
        writer.Write((long)IdleTimeout.TotalMilliseconds);
    }

    /// <summary>Reads the body.</summary>
    public static HelloResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 5);
        var response = new HelloResponse
        {
            Version = reader.ReadInt32("HELLO.version", min: 1),
            ServerName = reader.ReadString("HELLO.serverName", ProtocolLimits.MaxShortStringBytes),
            MaxFrameBytes = reader.ReadInt32("HELLO.maxFrameBytes", min: ProtocolLimits.MinMaxFrameBytes),
            MaxInFlight = reader.ReadInt32("HELLO.maxInFlight", min: 1),
            IdleTimeout = TimeSpan.FromMilliseconds(reader.ReadInt32("HELLO.idleTimeoutMs", min: 1)),
        };
        reader.EndBody(Shape, extra);
        return response;
    }
}
