using System.Text.Json;
using Registry.Engine;
using Registry.Server.Http.Native;

namespace Registry.Server.Http;

/// <summary>
/// The one place where failures become HTTP responses: engine errors by their code, HTTP-level refusals, Kestrel's
/// body-size limit (413) and anything unexpected (500, logged). Every error body is <c>{error_code, message}</c>,
/// including the answers to requests that match no endpoint outside the Confluent API (404; 405 with <c>Allow</c>)
/// and to query parameters an endpoint does not read (400).
/// </summary>
internal static partial class ErrorHandling
{
    public static IApplicationBuilder UseRegistryErrors(this IApplicationBuilder app) =>
        app.Use(static async (context, next) =>
        {
            try
            {
                if (context.GetEndpoint()?.Metadata.GetMetadata<KnownQuery>()?.Problem(context.Request) is { } unknown)
                {
                    throw new HttpApiException(StatusCodes.Status400BadRequest, "unknown_parameter", unknown);
                }

                await next(context).ConfigureAwait(false);
                if (!context.Response.HasStarted && context.Response.ContentLength is null && IsOwnPath(context.Request.Path))
                {
                    var status = context.Response.StatusCode;
                    if (status == StatusCodes.Status404NotFound)
                    {
                        await WriteAsync(context, status, new ErrorResponse
                        {
                            ErrorCode = "not_found",
                            Message = RouteConventions.NotFound(context, NativeApi.Prefix, "the native API is described at /openapi/v1.json."),
                        }).ConfigureAwait(false);
                    }
                    else if (status == StatusCodes.Status405MethodNotAllowed)
                    {
                        await WriteAsync(context, status, new ErrorResponse { ErrorCode = "method_not_allowed", Message = RouteConventions.MethodNotAllowed(context) })
                            .ConfigureAwait(false);
                    }
                }
            }
            catch (RegistryException e) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, ApiErrors.Status(e.Code), ApiErrors.Body(e)).ConfigureAwait(false);
            }
            catch (Registry.Schemas.TooComplexException e) when (!context.Response.HasStarted)
            {
                // A budget the schema library ran out of on a path that did not translate it: still the client's 422.
                await WriteAsync(context, StatusCodes.Status422UnprocessableEntity, new ErrorResponse { ErrorCode = "too_complex", Message = e.Message })
                    .ConfigureAwait(false);
            }
            catch (HttpApiException e) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, e.Status, new ErrorResponse { ErrorCode = e.ErrorCode, Message = e.Message }).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                var code = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too_large" : "malformed_request";
                await WriteAsync(context, e.StatusCode, new ErrorResponse { ErrorCode = code, Message = e.Message }).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nobody is listening for an answer.
            }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Registry.Server.Http");
                Log.Unexpected(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, e);
                await WriteAsync(context, StatusCodes.Status500InternalServerError,
                    new ErrorResponse { ErrorCode = "internal_error", Message = "The server failed unexpectedly; the error is logged." }).ConfigureAwait(false);
            }
        });

    /// <summary>The native API, health, metrics and OpenAPI: every path the Confluent API does not answer for.</summary>
    public static bool IsOwnPath(PathString path) =>
        path.StartsWithSegments(NativeApi.Prefix, StringComparison.Ordinal)
        || path.StartsWithSegments("/health", StringComparison.Ordinal)
        || path.StartsWithSegments("/metrics", StringComparison.Ordinal)
        || path.StartsWithSegments("/openapi", StringComparison.Ordinal);

    public static Task WriteAsync(HttpContext context, int status, ErrorResponse body)
    {
        // Clear() drops headers too; the Allow header of a 405 is part of the answer.
        var allow = context.Response.Headers.Allow;
        context.Response.Clear();
        if (status == StatusCodes.Status405MethodNotAllowed && allow.Count > 0)
        {
            context.Response.Headers.Allow = allow;
        }

        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body, NativeJsonContext.Wire.ErrorResponse, contentType: "application/json", context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Error, "Unexpected failure on {Method} {Path}")]
        public static partial void Unexpected(ILogger logger, string method, string path, Exception exception);
    }
}
