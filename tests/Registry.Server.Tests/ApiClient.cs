using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Registry.Server.Tests;

/// <summary>Small helpers for talking JSON to the native API over real HTTP.</summary>
internal static class ApiClient
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(this HttpClient http, HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body);
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> GetJsonAsync(this HttpClient http, string path) =>
        http.SendAsync(HttpMethod.Get, path);

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostJsonAsync(this HttpClient http, string path, string json) =>
        http.SendAsync(HttpMethod.Post, path, json);

    public static Task<(HttpStatusCode Status, JsonElement Body)> PutJsonAsync(this HttpClient http, string path, string json) =>
        http.SendAsync(HttpMethod.Put, path, json);

    public static Task<(HttpStatusCode Status, JsonElement Body)> DeleteJsonAsync(this HttpClient http, string path) =>
        http.SendAsync(HttpMethod.Delete, path);

    /// <summary>Registers a schema and asserts it was accepted (201 new, 200 existing).</summary>
    public static async Task<JsonElement> RegisterAsync(this HttpClient http, string subject, string schema, string extra = "")
    {
        var (status, body) = await http.PostJsonAsync($"/v1/subjects/{Uri.EscapeDataString(subject)}/versions", $$"""{"schema":{{schema}}{{extra}}}""");
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"registration answered {(int)status}: {body}");
        return body;
    }

    public static string ErrorCode(this JsonElement body) => body.GetProperty("error_code").GetString()!;

    public static string[] Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
