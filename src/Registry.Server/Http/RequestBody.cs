using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Connections;
using Microsoft.Net.Http.Headers;
using Registry.Engine;

namespace Registry.Server.Http;

/// <summary>
/// A request body read into one pooled buffer, after checking its media type and size. Dispose to return the buffer.
/// Bodies are read by hand rather than bound by the framework so that every failure (wrong type, too large,
/// malformed) gets the API's own error shape.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, Length);

    /// <summary>Reads a JSON body (<c>application/json</c> or <c>*/*+json</c>), at most <paramref name="maxBytes"/>.</summary>
    public static async Task<RequestBody> ReadJsonAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
        {
            throw new HttpApiException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                $"The body must be JSON (Content-Type: application/json), not '{request.ContentType ?? "(none)"}'.");
        }

        var body = await ReadAsync(request, maxBytes, cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            body.Dispose();
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", "The request body is empty.");
        }

        return body;
    }

    /// <summary>
    /// Reads a body of any media type, at most <paramref name="maxBytes"/>; an empty body has length 0. The caller
    /// checks the media type (the Confluent API accepts a body without one).
    /// </summary>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            ThrowTooLarge(maxBytes);
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await ReadBodyAsync(request, reader, cancellationToken).ConfigureAwait(false);
            if (read.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                ThrowTooLarge(maxBytes);
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                var length = (int)read.Buffer.Length;
                var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                read.Buffer.CopyTo(buffer);
                reader.AdvanceTo(read.Buffer.End);
                return new RequestBody(buffer, length);
            }

            // Keep buffering: nothing consumed, everything examined.
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary>One read of a body consumed piece by piece (streaming endpoints), with the same error translation.</summary>
    public static ValueTask<ReadResult> ReadChunkAsync(HttpRequest request, PipeReader reader, CancellationToken cancellationToken) =>
        ReadBodyAsync(request, reader, cancellationToken);

    /// <summary>
    /// One read of the body. Kestrel reports some malformed framing as a bare <see cref="IOException"/> rather than a
    /// <see cref="BadHttpRequestException"/> (a chunk size that overflows, e.g. <c>FFFFFFFFFFFFFFFF</c>): while the
    /// client is still connected, that is the client's fault, a 400. Bad requests with their own status (413 for a
    /// body over the limit) and resets pass through.
    /// </summary>
    private static async ValueTask<ReadResult> ReadBodyAsync(HttpRequest request, PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e is not (BadHttpRequestException or ConnectionResetException) && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", "The request body is not well-formed HTTP (bad chunked encoding).");
        }
    }

    /// <summary>Deserialises the body; a malformed or incomplete body is a 400.</summary>
    public T Deserialize<T>(JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(Memory.Span, typeInfo)
                ?? throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", "The request body is null.");
        }
        catch (JsonException e)
        {
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", $"The request body is not valid: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            // Raised by the reader for text that is not valid UTF-8 inside strings.
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", $"The request body is not valid: {e.Message}");
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.HasValue)
        {
            return false;
        }

        var type = media.MediaType.Value!;
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowTooLarge(long maxBytes) =>
        throw new RegistryException(RegistryErrorCode.TooLarge, $"The request body is larger than {maxBytes} bytes.");
}

/// <summary>An HTTP-level refusal (media type, malformed body) with its status and error code.</summary>
internal sealed class HttpApiException(int status, string errorCode, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string ErrorCode { get; } = errorCode;
}
