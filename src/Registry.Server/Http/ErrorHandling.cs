using System.Text.Json;
using Registry.Engine;
using Registry.Server.Http.Native;

namespace Registry.Server.Http;

/// <summary>
/// The one place where failures become HTTP responses: engine errors by their code, HTTP-level refusals, Kestrel's
/// body-size limit (413) and anything unexpected (500, logged). Every error body is <c>{error_code, message}</c>.
/// </summary>
internal static partial class ErrorHandling
{
    public static IApplicationBuilder UseRegistryErrors(this IApplicationBuilder app) =>
        app.Use(static async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (RegistryException e) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, ApiErrors.Status(e.Code), ApiErrors.Body(e)).ConfigureAwait(false);
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

    public static Task WriteAsync(HttpContext context, int status, ErrorResponse body)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body, NativeJsonContext.Default.ErrorResponse, contentType: "application/json", context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Error, "Unexpected failure on {Method} {Path}")]
        public static partial void Unexpected(ILogger logger, string method, string path, Exception exception);
    }
}
