using MessagePack;
using Registry.Engine.Services;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;
using EngineTarget = Registry.Engine.Services.ValidationTarget;

namespace Registry.Server.Binary;

/// <summary>
/// STREAM_OPEN and STREAM_CHUNK: partial-validation sessions of the engine (<see cref="SchemaRegistry.StartOutputStreamAsync(EngineTarget, bool, string, CancellationToken)"/>)
/// kept per connection. Chunks are fed on the read loop, in the order they arrived; the final chunk's full validation
/// runs on the thread pool inside a slot of the work gate. The verdicts are HTTP <c>check-stream</c>'s.
/// </summary>
internal sealed class StreamOperations(SchemaRegistry registry)
{
    public async Task<IResponseBody> OpenAsync(ConnectionSession session, StreamOpenRequest request, CancellationToken cancellationToken)
    {
        var target = request.Subject is { } subject
            ? EngineTarget.ByVersion(subject, EngineMapping.Version(request.Version, request.Alias))
            : EngineTarget.ById(request.SchemaId ?? 0);
        var stream = await registry.StartOutputStreamAsync(target, request.Extract, request.Profile, cancellationToken).ConfigureAwait(false);
        var id = session.AddStream(stream);
        if (id == 0)
        {
            throw new ProtocolException(StatusCode.TooLarge,
                $"At most {ConnectionSession.MaxStreams} streams may be open on one connection; finish one with a final chunk first.");
        }

        return new StreamOpenResponse { StreamId = id, SchemaId = EngineMapping.SchemaId(stream.SchemaId) };
    }

    /// <summary>Feeds one chunk on the read loop and answers there, unless it is the final one (then off the loop).</summary>
    public Task<IResponseBody>? Chunk(ConnectionSession session, uint requestId, StreamChunkRequest request, ref MessagePackWriter writer)
    {
        var stream = session.GetStream(request.StreamId)
            ?? throw new ProtocolException(StatusCode.BadRequest,
                $"STREAM_CHUNK.streamId: no open stream {request.StreamId} on this connection (open one with STREAM_OPEN and wait for its answer).");
        var s = stream.Session;
        s.Feed(request.Chunk.Span);
        if (IsOverLimit(s))
        {
            session.RemoveStream(request.StreamId);
            throw new ProtocolException(StatusCode.TooLarge, s.Violations[0].Message);
        }

        if (!s.CanStillBeValid || !request.Final)
        {
            if (!s.CanStillBeValid)
            {
                session.RemoveStream(request.StreamId);
            }

            ResponseHeader.Write(ref writer, requestId, StatusCode.Ok);
            Answer(s, null, final: false).Write(ref writer);
            return null;
        }

        session.RemoveStream(request.StreamId);
        var ct = session.Closed;
        return Task.Run(() => CompleteAsync(s, ct), ct);
    }

    private async Task<IResponseBody> CompleteAsync(StreamingValidationSession session, CancellationToken cancellationToken)
    {
        ValidationResult final;
        using (await registry.Work.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            final = session.Complete();
        }

        if (IsOverLimit(session))
        {
            throw new ProtocolException(StatusCode.TooLarge, session.Violations[0].Message);
        }

        return Answer(session, final, final: true);
    }

    private static bool IsOverLimit(StreamingValidationSession session) => session.Violations.Count > 0 && session.Violations[0].Keyword == "limit";

    private static StreamChunkResponse Answer(StreamingValidationSession session, ValidationResult? result, bool final)
    {
        var violations = session.Violations;
        var verdict = violations.Count == 0 && !final ? "in_progress" : Http.Native.OutputEndpoints.Verdict(session, result);
        var errors = new List<StreamViolation>(violations.Count);
        foreach (var v in violations)
        {
            errors.Add(new StreamViolation(v.InstanceLocation, v.KeywordLocation, v.Keyword, v.Message, v.ByteOffset));
        }

        if (errors.Count == 0 && result is { IsValid: false } && !session.IsTruncated)
        {
            foreach (var e in result.Errors)
            {
                var slash = e.KeywordLocation.LastIndexOf('/');
                errors.Add(new StreamViolation(e.InstanceLocation, e.KeywordLocation, slash >= 0 ? e.KeywordLocation[(slash + 1)..] : "", e.Message, -1));
            }
        }

        return new StreamChunkResponse
        {
            Verdict = verdict,
            CanStillBeValid = verdict is "valid" or "truncated" or "in_progress",
            BytesReceived = session.BytesReceived,
            Errors = errors,
        };
    }
}
