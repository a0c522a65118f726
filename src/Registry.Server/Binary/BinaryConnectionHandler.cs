using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Registry.Protocol;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;
using Registry.Server.Hosting;

namespace Registry.Server.Binary;

/// <summary>
/// Serves the binary protocol on a Kestrel connection: reads length-prefixed frames from the transport,
/// answers each one, and closes the connection when framing is lost.
/// </summary>
internal sealed partial class BinaryConnectionHandler(ServerOptions options, ILogger<BinaryConnectionHandler> logger)
    : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var maxFrame = options.Binary.MaxFrameBytes;
        using var frames = new FrameWriter(maxFrame);
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

                    Answer(payload, output, frames);
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

    // Only PING is served so far; the other opcodes come with the registry core (docs/protocol.md).
    private static void Answer(ReadOnlySequence<byte> payload, PipeWriter output, FrameWriter frames)
    {
        uint requestId = 0;
        var writer = frames.Start();
        try
        {
            var reader = new ProtocolReader(payload);
            var header = RequestHeader.Read(ref reader);
            requestId = header.RequestId;
            if (header.Opcode == Opcode.Ping)
            {
                PingRequest.Read(ref reader);
                Envelope.WriteEmptyResponse(ref writer, requestId);
            }
            else
            {
                Envelope.WriteError(ref writer, requestId, StatusCode.UnknownOpcode, "This server answers PING only.");
            }
        }
        catch (ProtocolException e)
        {
            writer = frames.Start();
            Envelope.WriteError(ref writer, requestId, e.Status, e.Message);
        }

        frames.FinishTo(ref writer, output);
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Warning, "Connection {ConnectionId}: frame above {MaxFrameBytes} bytes, closing")]
        public static partial void FrameTooLarge(ILogger logger, string connectionId, int maxFrameBytes);
    }
}
