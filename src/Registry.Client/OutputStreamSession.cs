using Registry.Client.Connections;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Client;

/// <summary>
/// A partial-validation session on the server (STREAM_OPEN), fed with a model's output chunk by chunk as it is
/// generated. Each answer says whether what was received can still become valid; a violation no continuation can fix
/// is reported as soon as its byte arrives (and ends the session), so a caller can stop the generation early. The
/// server parses each byte once: the cost is linear in the whole output. Feed from one caller at a time.
/// </summary>
public sealed class OutputStreamSession
{
    private readonly RegistryClient _client;
    private readonly ClientConnection _connection;

    internal OutputStreamSession(RegistryClient client, ClientConnection connection, int streamId, int schemaId)
    {
        _client = client;
        _connection = connection;
        StreamId = streamId;
        SchemaId = schemaId;
    }

    /// <summary>The session's id on its connection.</summary>
    public int StreamId { get; }

    /// <summary>The schema validated against.</summary>
    public int SchemaId { get; }

    /// <summary>The last answer, or null before the first chunk.</summary>
    public StreamChunkResponse? Last { get; private set; }

    /// <summary>True once the session is over (a definite violation, or the final chunk was sent).</summary>
    public bool IsFinished => Last?.IsFinished ?? false;

    /// <summary>Sends the next chunk; <paramref name="final"/> ends the document and returns the full verdict.</summary>
    /// <exception cref="InvalidOperationException">The session is already over.</exception>
    public async ValueTask<StreamChunkResponse> FeedAsync(ReadOnlyMemory<byte> chunk, bool final = false, CancellationToken cancellationToken = default)
    {
        if (IsFinished)
        {
            throw new InvalidOperationException("The stream is over: its verdict is " + Last!.Verdict + ".");
        }

        Last = await _client.CallOnAsync(
            _connection,
            new StreamChunkRequest { StreamId = StreamId, Chunk = chunk, Final = final },
            static (ref ProtocolReader r) => StreamChunkResponse.Read(ref r),
            cancellationToken).ConfigureAwait(false);
        return Last;
    }

    /// <summary>Ends the document (optionally with its last bytes) and returns the full verdict.</summary>
    public ValueTask<StreamChunkResponse> CompleteAsync(ReadOnlyMemory<byte> last = default, CancellationToken cancellationToken = default)
        => FeedAsync(last, final: true, cancellationToken);
}
