using System.Buffers;
using System.IO.Pipelines;
using MessagePack;
using Microsoft.AspNetCore.Connections;
using Registry.Protocol.Framing;
using Registry.Server.Hosting;

namespace Registry.Server.Binary;

/// <summary>
/// Serves the binary protocol on a Kestrel connection: reads length-prefixed frames from the transport,
/// answers each one, and closes the connection when framing is lost.
/// </summary>
internal sealed partial class BinaryConnectionHandler(ServerOptions options, ILogger<BinaryConnectionHandler> logger)
    : ConnectionHandler
{
    private const int OpcodePing = 0;
    private const int StatusOk = 0;
    private const int StatusUnknownOpcode = 2;
    private const int StatusMalformed = 3;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var maxFrame = options.Binary.MaxFrameBytes;
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
                var buffer = read.Buffer;
                var lostFraming = false;
                while (true)
                {
                    var result = Frame.TryRead(ref buffer, maxFrame, out var payload);
                    if (result == FrameReadResult.Incomplete)
                    {
                        break;
                    }

                    if (result == FrameReadResult.TooLarge)
                    {
                        lostFraming = true;
                        break;
                    }

                    Answer(payload, output);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                await output.FlushAsync(connection.ConnectionClosed).ConfigureAwait(false);
                if (lostFraming)
                {
                    Log.FrameTooLarge(logger, connection.ConnectionId, maxFrame);
                    return;
                }

                if (read.IsCompleted || read.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The peer went away or the server is shutting down.
        }
        catch (ConnectionResetException)
        {
        }
    }

    private static void Answer(ReadOnlySequence<byte> payload, PipeWriter output)
    {
        long requestId = 0;
        int status;
        try
        {
            var reader = new MessagePackReader(payload);
            if (reader.ReadArrayHeader() < 2)
            {
                throw new MessagePackSerializationException("request must be [id, opcode, body]");
            }

            requestId = reader.ReadInt64();
            var opcode = reader.ReadInt32();
            status = opcode == OpcodePing ? StatusOk : StatusUnknownOpcode;
        }
        catch (MessagePackSerializationException)
        {
            status = StatusMalformed;
        }

        WriteResponse(output, requestId, status);
    }

    private static void WriteResponse(PipeWriter output, long requestId, int status)
    {
        var body = new ArrayBufferWriter<byte>(32);
        var writer = new MessagePackWriter(body);
        writer.WriteArrayHeader(3);
        writer.Write(requestId);
        writer.Write(status);
        writer.WriteNil();
        writer.Flush();
        Frame.WriteHeader(output.GetSpan(Frame.HeaderLength), body.WrittenCount);
        output.Advance(Frame.HeaderLength);
        output.Write(body.WrittenSpan);
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Warning, "Connection {ConnectionId}: frame above {MaxFrameBytes} bytes, closing")]
        public static partial void FrameTooLarge(ILogger logger, string connectionId, int maxFrameBytes);
    }
}
