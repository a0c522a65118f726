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

    /// <summary>
    /// Reads a JSON document body (<c>application/json</c> or <c>*/*+json</c>), at most <paramref name="maxBytes"/>,
    /// that is passed on as bytes (a document to validate); an empty body is a 400.
    /// </summary>
    public static async Task<RequestBody> ReadJsonAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        RequireJson(request);
        var body = await ReadAsync(request, maxBytes, cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            body.Dispose();
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", "The request body is empty; send the JSON document.");
        }

        return body;
    }

    /// <summary>
    /// Reads a JSON request body of the native API into its model: the media type, the size, then the body's syntax
    /// and fields against <paramref name="shape"/>, each refusal a 400 (415, 413) that names the field.
    /// </summary>
    public static async Task<T> ReadModelAsync<T>(HttpRequest request, long maxBytes, BodyShape shape, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        RequireJson(request);
        using var body = await ReadAsync(request, maxBytes, cancellationToken).ConfigureAwait(false);
        return body.Deserialize(typeInfo, shape);
    }

    /// <summary>The native API's refusal of a body that is not JSON by its media type.</summary>
    public static void RequireJson(HttpRequest request)
    {
        if (!IsJson(request.ContentType))
        {
            throw new HttpApiException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", UnsupportedMediaType(request.ContentType, "application/json"));
        }
    }

    /// <summary>The message for a body of the wrong media type, shared by both HTTP APIs.</summary>
    public static string UnsupportedMediaType(string? contentType, string expected) =>
        $"The body must be JSON (Content-Type: {expected}), not '{BodyCheck.Quote(contentType ?? "(none)")}'.";

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

    /// <summary>
    /// Deserialises the body after checking it against <paramref name="shape"/>; a body that does not fit is a 400
    /// whose message names the field. The serialiser's own messages are never shown: they name .NET types.
    /// </summary>
    public T Deserialize<T>(JsonTypeInfo<T> typeInfo, BodyShape shape)
        where T : class
    {
        if (BodyCheck.Problem(Memory.Span, shape, typeInfo.Options.MaxDepth) is { } problem)
        {
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", problem);
        }

        try
        {
            return JsonSerializer.Deserialize(Memory.Span, typeInfo)
                ?? throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", $"The request body is null; {shape.What} is {shape.Summary()}.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", Unreadable(e, shape));
        }
    }

    /// <summary>What to say when the serialiser refuses a body the shape check let through: the field, in our words.</summary>
    public static string Unreadable(Exception exception, BodyShape shape)
    {
        var path = (exception as JsonException)?.Path;
        var field = string.IsNullOrEmpty(path) || path == "$" ? null : path.TrimStart('$', '.');
        return field is null
            ? $"The request body could not be read as {shape.What}; it is {shape.Summary()}."
            : $"Field '{BodyCheck.Quote(field)}' could not be read; {shape.What} is {shape.Summary()}.";
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
