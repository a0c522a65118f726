using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Registry.Server.Tests;

/// <summary>
/// Issue 13, finding 1 over HTTP: a compatibility check of two schemas whose shared definitions fan out along 2^30
/// paths once grew the server until the kernel killed it. Now it is answered at once (memoised), a costlier check ends
/// with the budget error (native 422 <c>too_complex</c>, Confluent 422 / 42290), and the server keeps answering
/// <c>/health</c> either way.
/// </summary>
public sealed class WorkBudgetHttpTests
{
    private const string ConfluentMediaType = "application/vnd.schemaregistry.v1+json";

    /// <summary><c>$defs</c> l0 → allOf[l1, l1] → … → l<paramref name="levels"/>: 2^levels paths to the last definition.</summary>
    private static string Chain(int levels, string leaf = """{"type":"string"}""")
    {
        var sb = new StringBuilder("""{"$ref":"#/$defs/l0","$defs":{""");
        for (var i = 0; i < levels; i++)
        {
            sb.Append($$"""  "l{{i}}":{"allOf":[{"$ref":"#/$defs/l{{i + 1}}"},{"$ref":"#/$defs/l{{i + 1}}"}]},""");
        }

        return sb.Append($"\"l{levels}\":{leaf}}}}}").ToString();
    }

    /// <summary>
    /// A disjunction of <paramref name="branches"/> ranges: when every branch narrows (number to integer), BACKWARD tries
    /// each old branch against every new one.
    /// </summary>
    private static string WideAnyOf(int branches, string type)
        => """{"anyOf":[""" + string.Join(",", Enumerable.Range(0, branches).Select(i => $$"""{"type":"{{type}}","minimum":{{i}},"maximum":{{i + 1}}}""")) + "]}";

    [Fact]
    public async Task Finding_1_a_check_of_30_levels_of_shared_definitions_is_answered_on_both_apis_and_health_keeps_answering()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("chain", Chain(30));
        var widened = Chain(30, """{"type":["string","null"]}""");
        var clock = Stopwatch.StartNew();

        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/chain/compatibility", $$"""{"schema":{{widened}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("is_compatible").GetBoolean(), body.ToString());

        using var confluent = await PostConfluentAsync(server.Http, "/compatibility/subjects/chain/versions/latest", widened);
        Assert.Equal(HttpStatusCode.OK, confluent.StatusCode);
        Assert.Equal("""{"is_compatible":true}""", await confluent.Content.ReadAsStringAsync(Ct));

        // Generous: both take milliseconds now; before the memo, 26 levels took 39 s and 30 killed the process.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the checks took {clock.Elapsed}");
        await AssertHealthyAsync(server.Http);
    }

    [Fact]
    public async Task A_check_costlier_than_its_budget_is_too_complex_on_the_native_and_confluent_apis_and_health_keeps_answering()
    {
        // Every pair compared costs at least a step, so 150,000 steps run out before the checker's 100,000 pairs
        // (which end the check with the same error, naming comparisons instead of steps).
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Engine:MaxWorkSteps"] = "150000" });
        await server.Http.RegisterAsync("wide", WideAnyOf(1_000, "number"));
        var costly = WideAnyOf(1_000, "integer");

        var (status, body) = await server.Http.PostJsonAsync("/v1/subjects/wide/compatibility", $$"""{"schema":{{costly}}}""");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "too_complex"), (status, body.ErrorCode()));
        Assert.StartsWith("Comparing the schemas needs more than 150,000 steps of work", body.GetProperty("message").GetString(), StringComparison.Ordinal);

        using var confluent = await PostConfluentAsync(server.Http, "/compatibility/subjects/wide/versions/latest", costly);
        var error = JsonDocument.Parse(await confluent.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal((HttpStatusCode.UnprocessableEntity, 42290), (confluent.StatusCode, error.GetProperty("error_code").GetInt32()));
        Assert.Contains("steps of work", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        await AssertHealthyAsync(server.Http);
    }

    [Fact]
    public async Task Checking_model_output_costlier_than_its_budget_is_too_complex_not_a_server_error()
    {
        // Every element costs at least a step: 50,000 of them need more than the 20,000 steps allowed.
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Engine:MaxWorkSteps"] = "20000" });
        var id = (await server.Http.RegisterAsync("answers", """{"type":"array","items":{"type":"string","minLength":1}}""")).GetProperty("id").GetInt64();
        var answer = "[" + string.Join(',', Enumerable.Repeat("\"x\"", 50_000)) + "]";

        using var content = new StringContent(answer, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain");
        using var response = await server.Http.PostAsync($"/v1/schemas/{id}/check-output", content, Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "too_complex"), (response.StatusCode, body.ErrorCode()));
        Assert.Contains("steps of work", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        await AssertHealthyAsync(server.Http);
    }

    private static async Task AssertHealthyAsync(HttpClient http)
    {
        var clock = Stopwatch.StartNew();
        using var health = await http.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"/health took {clock.Elapsed}");
    }

    private static async Task<HttpResponseMessage> PostConfluentAsync(HttpClient http, string path, string schema)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["schemaType"] = "JSON", ["schema"] = schema });
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(ConfluentMediaType);
        return await http.PostAsync(path, content, Ct);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
