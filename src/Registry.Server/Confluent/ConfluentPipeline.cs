using System.Text.Json;
using Registry.Engine;
using Registry.Server.Http;

namespace Registry.Server.Confluent;

/// <summary>Marks the endpoints of the Confluent API, so that the pipeline gives them Confluent's conventions.</summary>
internal sealed class ConfluentEndpointMarker
{
    public static ConfluentEndpointMarker Instance { get; } = new();
}

/// <summary>
/// The Confluent API's conventions around its endpoints, in one middleware: content negotiation (406), request
/// media types (415), and every failure turned into <c>{"error_code": int, "message": str}</c> with the status the
/// code starts with. Requests that match no endpoint outside the native API's paths get Confluent's 404 and 405
/// bodies. Other endpoints pass through untouched.
/// </summary>
internal static partial class ConfluentPipeline
{
    /// <summary>The display name routing gives the endpoint it selects when only the HTTP method did not match.</summary>
    private const string MethodNotAllowedEndpoint = "405 HTTP Method Not Supported";

    public static IApplicationBuilder UseConfluentConventions(this IApplicationBuilder app) => app.Use(Invoke);

    private static Task Invoke(HttpContext context, RequestDelegate next)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<ConfluentEndpointMarker>() is null)
        {
            var unmatched = endpoint is null || endpoint.DisplayName == MethodNotAllowedEndpoint;
            return unmatched && !ErrorHandling.IsOwnPath(context.Request.Path) ? UnmatchedAsync(context, next) : next(context);
        }

        var mediaType = ConfluentMedia.Negotiate(context.Request.Headers.Accept);
        if (mediaType is null)
        {
            return WriteErrorAsync(context, StatusCodes.Status406NotAcceptable,
                $"HTTP 406 Not Acceptable. The Accept header '{BodyCheck.Quote(context.Request.Headers.Accept.ToString())}' allows none of {ConfluentMedia.V1}, {ConfluentMedia.Generic} and {ConfluentMedia.Json}.",
                ConfluentMedia.V1);
        }

        if ((HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method))
            && !ConfluentMedia.IsAcceptedBody(context.Request.ContentType))
        {
            return WriteErrorAsync(context, StatusCodes.Status415UnsupportedMediaType,
                "HTTP 415 Unsupported Media Type. " + RequestBody.UnsupportedMediaType(context.Request.ContentType, $"{ConfluentMedia.V1} or {ConfluentMedia.Json}"), mediaType);
        }

        context.Response.ContentType = mediaType;
        Task pending;
        try
        {
            pending = next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            return FailAsync(context, e, mediaType);
        }

        // Warm reads complete synchronously: no state machine for them.
        return pending.IsCompletedSuccessfully ? Task.CompletedTask : AwaitAsync(pending, context, mediaType);
    }

    private static async Task AwaitAsync(Task pending, HttpContext context, string mediaType)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            await FailAsync(context, e, mediaType).ConfigureAwait(false);
        }
    }

    private static async Task UnmatchedAsync(HttpContext context, RequestDelegate next)
    {
        await next(context).ConfigureAwait(false);
        if (!context.Response.HasStarted && context.Response.ContentLength is null)
        {
            var status = context.Response.StatusCode;
            if (status == StatusCodes.Status404NotFound)
            {
                await WriteErrorAsync(context, status, "HTTP 404 Not Found. " + RouteConventions.NotFound(context, string.Empty, "the native API is under /v1."), ConfluentMedia.V1)
                    .ConfigureAwait(false);
            }
            else if (status == StatusCodes.Status405MethodNotAllowed)
            {
                await WriteErrorAsync(context, status, "HTTP 405 Method Not Allowed. " + RouteConventions.MethodNotAllowed(context), ConfluentMedia.V1).ConfigureAwait(false);
            }
        }
    }

    private static Task FailAsync(HttpContext context, Exception exception, string mediaType)
    {
        switch (exception)
        {
            case ConfluentException e:
                return WriteErrorAsync(context, e.ErrorCode, e.Message, mediaType);
            case RegistryException e:
                return WriteErrorAsync(context, ConfluentErrors.Code(e.Code), e.Message, mediaType);
            case HttpApiException e:
                return WriteErrorAsync(context, e.Status, e.Message, mediaType);
            case Registry.Schemas.TooComplexException e:
                return WriteErrorAsync(context, ConfluentErrors.TooComplex, e.Message, mediaType);
            case BadHttpRequestException e:
                return WriteErrorAsync(context, e.StatusCode, e.Message, mediaType);
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                // The client went away; nobody is listening for an answer.
                return Task.CompletedTask;
            default:
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Server.Confluent");
                Log.Unexpected(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, exception);
                return WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "Internal Server Error", mediaType);
        }
    }

    /// <summary>Writes an error body; the status is the code's first three digits.</summary>
    public static Task WriteErrorAsync(HttpContext context, int errorCode, string message, string mediaType)
    {
        // Clear() drops headers too; the Allow header of a 405 is part of the answer.
        var allow = context.Response.Headers.Allow;
        context.Response.Clear();
        if (errorCode == StatusCodes.Status405MethodNotAllowed && allow.Count > 0)
        {
            context.Response.Headers.Allow = allow;
        }

        context.Response.StatusCode = ConfluentErrors.Status(errorCode);
        context.Response.ContentType = mediaType;
        var body = JsonSerializer.SerializeToUtf8Bytes(new ConfluentError(errorCode, message), ConfluentJsonContext.Wire.ConfluentError);
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Error, "Unexpected failure on {Method} {Path} (Confluent API)")]
        public static partial void Unexpected(ILogger logger, string method, string path, Exception exception);
    }
}
