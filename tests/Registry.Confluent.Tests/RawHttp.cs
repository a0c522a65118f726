using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Registry.Confluent.Tests;

/// <summary>A response as read by the tests: status, media type and body.</summary>
public sealed record RawResponse(HttpStatusCode Status, string? MediaType, string Text)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement.Clone();
}

/// <summary>Plain HTTP requests, for what the Confluent clients do not expose (deletes, modes, error bodies).</summary>
internal static class RawHttp
{
    public const string V1 = "application/vnd.schemaregistry.v1+json";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<RawResponse> SendAsync(
        this HttpClient http, HttpMethod method, string path, string? body = null, string? contentType = V1, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await http.SendAsync(request, Ct);
        return new RawResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(Ct));
    }

    public static Task<RawResponse> GetRawAsync(this HttpClient http, string path) => http.SendAsync(HttpMethod.Get, path);

    public static Task<RawResponse> PostRawAsync(this HttpClient http, string path, string body) => http.SendAsync(HttpMethod.Post, path, body);

    public static Task<RawResponse> PutRawAsync(this HttpClient http, string path, string body) => http.SendAsync(HttpMethod.Put, path, body);

    public static Task<RawResponse> DeleteRawAsync(this HttpClient http, string path) => http.SendAsync(HttpMethod.Delete, path);

    /// <summary>A Confluent register/lookup body for a JSON schema given as JSON text.</summary>
    public static string SchemaBody(string schema, string extra = "") =>
        $$"""{"schemaType":"JSON","schema":{{JsonSerializer.Serialize(schema)}}{{extra}}}""";

    /// <summary>Registers through the API and returns the id.</summary>
    public static async Task<int> RegisterAsync(this HttpClient http, string subject, string schema, string extra = "")
    {
        var response = await http.PostRawAsync($"/subjects/{Uri.EscapeDataString(subject)}/versions", SchemaBody(schema, extra));
        Assert.True(response.Status == HttpStatusCode.OK, $"register answered {(int)response.Status}: {response.Text}");
        return response.Json.GetProperty("id").GetInt32();
    }

    /// <summary>
    /// Asserts Confluent's error shape exactly: the status, a body of two members, <c>error_code</c> (a number) and a
    /// non-empty <c>message</c>.
    /// </summary>
    public static void AssertError(this RawResponse response, int errorCode)
    {
        var status = errorCode;
        while (status >= 1000)
        {
            status /= 10;
        }

        Assert.True((int)response.Status == status, $"expected {status}/{errorCode}, got {(int)response.Status}: {response.Text}");
        Assert.Equal(V1, response.MediaType);
        var body = response.Json;
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        Assert.Equal(["error_code", "message"], body.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(JsonValueKind.Number, body.GetProperty("error_code").ValueKind);
        Assert.Equal(errorCode, body.GetProperty("error_code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
    }
}
