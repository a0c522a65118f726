using System.Text.Json;
using Registry.Engine.Services;
using Registry.Schemas.Validation;
using Registry.Server.Hosting;

namespace Registry.Server.Http.Native;

/// <summary>
/// Validation of documents. The request body is the document itself (or, for a batch, a JSON array of documents),
/// passed to the validator as the bytes received: nothing is parsed into objects on the way.
/// </summary>
internal static class ValidationEndpoints
{
    public static void MapValidationEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/schemas/{id}/validate", ValidateById)
            .WithName("ValidateById").WithSummary("Validates the document in the body against a schema id.")
            .JsonBody<JsonElement>().Produces<ValidateResponse>().ProducesErrors(400, 404, 413, 415, 422);
        api.MapPost("/schemas/{id}/validate/batch", ValidateBatchById)
            .WithName("ValidateBatchById").WithSummary("Validates each document of the JSON array in the body against a schema id.")
            .JsonBody<JsonElement>().Produces<BatchValidateResponse>().ProducesErrors(400, 404, 413, 415, 422);
        api.MapPost("/subjects/{subject}/versions/{version}/validate", ValidateByVersion)
            .WithName("ValidateByVersion").WithSummary("Validates the document in the body against a version (DEPRECATED: with a warning; ARCHIVED: refused).")
            .JsonBody<JsonElement>().Produces<ValidateResponse>().ProducesErrors(400, 404, 413, 415, 422);
        api.MapPost("/subjects/{subject}/versions/{version}/validate/batch", ValidateBatchByVersion)
            .WithName("ValidateBatchByVersion").WithSummary("Validates each document of the JSON array in the body against a version.")
            .JsonBody<JsonElement>().Produces<BatchValidateResponse>().ProducesErrors(400, 404, 413, 415, 422);
    }

    private static Task<IResult> ValidateById(string id, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct) =>
        ValidateOneAsync(ValidationTarget.ById(QueryValues.SchemaId(id)), request, registry, options, ct);

    private static Task<IResult> ValidateByVersion(string subject, string version, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        return ValidateOneAsync(ValidationTarget.ByVersion(subject, QueryValues.Version(version)), request, registry, options, ct);
    }

    private static Task<IResult> ValidateBatchById(string id, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct) =>
        ValidateBatchAsync(ValidationTarget.ById(QueryValues.SchemaId(id)), request, registry, options, ct);

    private static Task<IResult> ValidateBatchByVersion(string subject, string version, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        return ValidateBatchAsync(ValidationTarget.ByVersion(subject, QueryValues.Version(version)), request, registry, options, ct);
    }

    private static async Task<IResult> ValidateOneAsync(ValidationTarget target, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        using var body = await RequestBody.ReadJsonAsync(request, options.HttpApi.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var validation = await registry.ValidateAsync(target, body.Memory, ct).ConfigureAwait(false);
        var result = validation.Results[0];

        // A document that is not JSON, or over a limit, is a bad request rather than an invalid document.
        if (result.Outcome == ValidationOutcome.MalformedJson)
        {
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_document", FirstMessage(result, "The document is not valid JSON."));
        }

        if (result.Outcome == ValidationOutcome.LimitExceeded)
        {
            throw new HttpApiException(StatusCodes.Status400BadRequest, "limit_exceeded", FirstMessage(result, "The document is over a size or nesting limit."));
        }

        return TypedResults.Json(new ValidateResponse
        {
            Valid = result.IsValid,
            Outcome = NativeMapping.Outcome(result.Outcome),
            SchemaId = validation.SchemaId,
            Subject = validation.Subject,
            Version = validation.Version,
            Warning = validation.Warning,
            Errors = NativeMapping.Errors(result.Errors),
            Truncated = result.Truncated,
        }, NativeJsonContext.Default.ValidateResponse);
    }

    private static async Task<IResult> ValidateBatchAsync(ValidationTarget target, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        using var body = await RequestBody.ReadJsonAsync(request, options.HttpApi.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var documents = SplitArray(body.Memory, registry);
        var validation = await registry.ValidateBatchAsync(target, documents, ct).ConfigureAwait(false);
        var items = new List<BatchItemResponse>(validation.Results.Count);
        var valid = 0;
        for (var i = 0; i < validation.Results.Count; i++)
        {
            var r = validation.Results[i];
            valid += r.IsValid ? 1 : 0;
            items.Add(new BatchItemResponse(i, r.IsValid, NativeMapping.Outcome(r.Outcome), NativeMapping.Errors(r.Errors), r.Truncated));
        }

        return TypedResults.Json(new BatchValidateResponse
        {
            SchemaId = validation.SchemaId,
            Subject = validation.Subject,
            Version = validation.Version,
            Warning = validation.Warning,
            ValidCount = valid,
            InvalidCount = items.Count - valid,
            Results = items,
        }, NativeJsonContext.Default.BatchValidateResponse);
    }

    /// <summary>
    /// The byte ranges of the elements of a top-level JSON array, as slices of the body (no copies). The array itself
    /// must be well-formed; its elements may nest one level less deep than the validator's limit allows documents.
    /// Reading stops at the first element over the engine's batch limit (the engine's refusal, before the rest is read).
    /// </summary>
    internal static List<ReadOnlyMemory<byte>> SplitArray(ReadOnlyMemory<byte> body, SchemaRegistry registry)
    {
        var documents = new List<ReadOnlyMemory<byte>>();
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = registry.Options.Limits.MaxDepth + 1 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", "A batch body is a JSON array of documents.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                registry.CheckBatchSize(documents.Count + 1);

                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                documents.Add(body[start..(int)reader.BytesConsumed]);
            }

            if (reader.Read())
            {
                throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", "Unexpected content after the batch array.");
            }
        }
        catch (JsonException e)
        {
            throw new HttpApiException(StatusCodes.Status400BadRequest, "malformed_request", $"The batch is not a well-formed JSON array: {e.Message}");
        }

        return documents;
    }

    private static string FirstMessage(ValidationResult result, string fallback) =>
        result.Errors.Count > 0 ? result.Errors[0].Message : fallback;
}
