using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using MessagePack;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Server.Tests.Binary;

/// <summary>A response as read off the wire: its id, status and whole payload (to decode the body from).</summary>
internal sealed record RawResponse(uint RequestId, StatusCode Status, byte[] Payload)
{
    /// <summary>Decodes the body with a reader positioned after the envelope header.</summary>
    public T Body<T>(BodyOf<T> read)
    {
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(Payload));
        ResponseHeader.Read(ref reader);
        return read(ref reader);
    }

    public string ErrorMessage => Body(static (ref ProtocolReader r) => ErrorResponse.Read(ref r)).Message;
}

internal delegate T BodyOf<T>(ref ProtocolReader reader);

/// <summary>
/// The wire seen from a test: writes request frames (well-formed or not) and reads response frames, over a socket
/// or over the in-memory pipes of a handler driven directly.
/// </summary>
internal sealed class FrameStream : IAsyncDisposable
{
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly IDisposable? _owner;

    public FrameStream(Stream input, Stream output, IDisposable? owner = null)
    {
        _input = input;
        _output = output;
        _owner = owner;
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<FrameStream> ConnectAsync(IPEndPoint endpoint)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(endpoint, Ct);
        var stream = client.GetStream();
        return new FrameStream(stream, stream, client);
    }

    /// <summary>Connects and completes HELLO.</summary>
    public static async Task<FrameStream> OpenAsync(IPEndPoint endpoint, string clientName = "frame-tests")
    {
        var stream = await ConnectAsync(endpoint);
        await stream.HelloAsync(clientName);
        return stream;
    }

    public async Task HelloAsync(string clientName = "frame-tests")
    {
        await SendAsync(Request(1, new HelloRequest { ClientName = clientName }));
        var response = await ReadAsync();
        Assert.Equal(StatusCode.Ok, response.Status);
    }

    /// <summary>A whole request frame for a body that writes itself.</summary>
    public static byte[] Request<T>(uint id, T body)
        where T : IRequestBody
        => Encode((ref MessagePackWriter writer) => Envelope.WriteRequest(ref writer, id, body));

    /// <summary>A frame around whatever <paramref name="write"/> writes as the payload.</summary>
    public static byte[] Encode(WritePayload write)
    {
        var payload = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(payload);
        write(ref writer);
        writer.Flush();
        return Frame(payload.WrittenSpan);
    }

    /// <summary>A frame around raw payload bytes.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[Protocol.Framing.Frame.HeaderLength + payload.Length];
        Protocol.Framing.Frame.WriteHeader(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(Protocol.Framing.Frame.HeaderLength));
        return frame;
    }

    public static byte[] GetSchemaById(uint id, int schemaId) => Request(id, new GetSchemaByIdRequest(schemaId));

    public static byte[] Validate(uint id, int schemaId, ReadOnlySpan<byte> document, int maxErrors = 0)
    {
        var copy = document.ToArray();
        return Encode((ref MessagePackWriter writer) =>
        {
            RequestHeader.Write(ref writer, id, Opcode.Validate);
            ValidateRequest.WriteForSchemaId(ref writer, schemaId, maxErrors, copy);
        });
    }

    public static byte[] Ping(uint id) => Request(id, default(PingRequest));

    public async Task SendAsync(params byte[][] frames)
    {
        foreach (var frame in frames)
        {
            await _output.WriteAsync(frame, Ct);
        }

        await _output.FlushAsync(Ct);
    }

    public async Task<RawResponse> ReadAsync()
    {
        var header = new byte[Protocol.Framing.Frame.HeaderLength];
        await _input.ReadExactlyAsync(header, Ct);
        var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        await _input.ReadExactlyAsync(payload, Ct);
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(payload));
        var envelope = ResponseHeader.Read(ref reader);
        return new RawResponse(envelope.RequestId, envelope.Status, payload);
    }

    /// <summary>True when the peer closes the stream (after any frames still in it, which are skipped).</summary>
    public async Task<bool> ClosesAsync()
    {
        var scratch = new byte[4096];
        try
        {
            while (await _input.ReadAsync(scratch, Ct) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _output.DisposeAsync();
        if (!ReferenceEquals(_input, _output))
        {
            await _input.DisposeAsync();
        }

        _owner?.Dispose();
    }
}

internal delegate void WritePayload(ref MessagePackWriter writer);
