using System.Net;
using System.Text;
using Registry.Protocol;
using Registry.Server.Tests.Binary;

namespace Registry.Server.Tests;

public sealed class MetricsTests
{
    private const string OrderSchema = """{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IReadOnlyList<PrometheusText.Sample>> ScrapeAsync(InProcessServer server)
    {
        using var response = await server.Http.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Metrics_parse_as_prometheus_text_and_name_the_registry_http_and_runtime_families()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("orders", OrderSchema);

        var samples = await ScrapeAsync(server);

        var families = samples.Select(s => s.Family).ToHashSet();
        Assert.Contains("registry_registrations_total", families);
        Assert.Contains("registry_storage_hits_total", families);
        Assert.Contains("http_server_request_duration_seconds", families);
        Assert.Contains("registry_binary_connections_active", families);
        Assert.Contains(families, f => f.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Binary_counters_move_by_exactly_the_requests_made_per_opcode_and_status()
    {
        await using var server = await InProcessServer.StartAsync();
        var schemaId = (int)(await server.Http.RegisterAsync("orders", OrderSchema)).GetProperty("id").GetInt64();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var before = await ScrapeAsync(server);

        for (uint i = 0; i < 7; i++)
        {
            await wire.SendAsync(FrameStream.GetSchemaById(100 + i, schemaId));
            Assert.Equal(StatusCode.Ok, (await wire.ReadAsync()).Status);
        }

        for (uint i = 0; i < 3; i++)
        {
            await wire.SendAsync(FrameStream.GetSchemaById(200 + i, 999_999));
            Assert.Equal(StatusCode.SchemaNotFound, (await wire.ReadAsync()).Status);
        }

        for (uint i = 0; i < 5; i++)
        {
            await wire.SendAsync(FrameStream.Validate(300 + i, schemaId, i < 2 ? """{"id":"x"}"""u8 : """{"id":7}"""u8));
            Assert.Equal(StatusCode.Ok, (await wire.ReadAsync()).Status);
        }

        var after = await ScrapeAsync(server);

        const string duration = "registry_binary_request_duration_seconds_count";
        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        Assert.Equal(7, Delta(duration, ("registry_opcode", "GET_SCHEMA_BY_ID"), ("registry_status", ProtocolStatus.GetName(StatusCode.Ok))));
        Assert.Equal(3, Delta(duration, ("registry_opcode", "GET_SCHEMA_BY_ID"), ("registry_status", ProtocolStatus.GetName(StatusCode.SchemaNotFound))));
        Assert.Equal(5, Delta(duration, ("registry_opcode", "VALIDATE"), ("registry_status", ProtocolStatus.GetName(StatusCode.Ok))));
        Assert.Equal(2, Delta("registry_validations_total", ("registry_validation_outcome", "valid")));
        Assert.Equal(3, Delta("registry_validations_total", ("registry_validation_outcome", "invalid")));
        Assert.Equal(2, Delta("registry_validation_duration_seconds_count", ("registry_validation_outcome", "valid")));
        Assert.Equal(3, Delta("registry_validation_duration_seconds_count", ("registry_validation_outcome", "invalid")));
        Assert.Equal(1, after.Value("registry_binary_connections_active"));
    }

    [Fact]
    public async Task Validations_are_counted_and_timed_under_the_schema_type_validated_against()
    {
        const string tool = """{"name":"get_weather","inputSchema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""";
        await using var server = await InProcessServer.StartAsync();
        var toolId = (int)(await server.Http.RegisterAsync("tools.weather", tool, ""","schema_type":"TOOL" """)).GetProperty("id").GetInt64();
        var jsonId = (int)(await server.Http.RegisterAsync("orders", OrderSchema)).GetProperty("id").GetInt64();
        await using var wire = await FrameStream.OpenAsync(server.BinaryEndpoint);
        var before = await ScrapeAsync(server);

        // A TOOL's documents are its call arguments, validated against its input schema: over HTTP (the engine) and binary (warm, on the loop).
        var (validStatus, _) = await server.Http.PostJsonAsync($"/v1/schemas/{toolId}/validate", """{"city":"Oslo"}""");
        var (invalidStatus, _) = await server.Http.PostJsonAsync("/v1/subjects/tools.weather/versions/1/validate", """{"city":7}""");
        for (uint i = 0; i < 3; i++)
        {
            await wire.SendAsync(FrameStream.Validate(400 + i, toolId, """{"city":"Bergen"}"""u8));
            Assert.Equal(StatusCode.Ok, (await wire.ReadAsync()).Status);
        }

        await wire.SendAsync(FrameStream.Validate(500, jsonId, """{"id":"x"}"""u8));
        Assert.Equal(StatusCode.Ok, (await wire.ReadAsync()).Status);
        var (missingStatus, _) = await server.Http.PostJsonAsync("/v1/schemas/999999/validate", "{}");
        var after = await ScrapeAsync(server);

        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound), (validStatus, invalidStatus, missingStatus));
        Assert.Equal(4, Delta("registry_validations_total", ("registry_schema_type", "TOOL"), ("registry_validation_outcome", "valid")));
        Assert.Equal(1, Delta("registry_validations_total", ("registry_schema_type", "TOOL"), ("registry_validation_outcome", "invalid")));
        Assert.Equal(4, Delta("registry_validation_duration_seconds_count", ("registry_schema_type", "TOOL"), ("registry_validation_outcome", "valid")));
        Assert.Equal(1, Delta("registry_validations_total", ("registry_schema_type", "JSON"), ("registry_validation_outcome", "valid")));
        Assert.Equal(0, Delta("registry_validations_total", ("registry_schema_type", "JSON"), ("registry_validation_outcome", "invalid")));
        Assert.Equal(1, Delta("registry_validations_total", ("registry_schema_type", "unknown"), ("registry_validation_outcome", "error")));
    }

    [Fact]
    public async Task Http_requests_registrations_and_compatibility_checks_are_counted_per_route_and_result()
    {
        await using var server = await InProcessServer.StartAsync();
        await server.Http.RegisterAsync("orders", OrderSchema);
        var before = await ScrapeAsync(server);

        await server.Http.RegisterAsync("orders", OrderSchema);
        await server.Http.RegisterAsync("customers", OrderSchema);
        for (var i = 0; i < 4; i++)
        {
            var (status, _) = await server.Http.PostJsonAsync("/v1/subjects/orders/compatibility", """{"schema":{"type":"object"}}""");
            Assert.Equal(HttpStatusCode.OK, status);
        }

        using (var missing = await server.Http.GetAsync("/v1/subjects/nobody/versions", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var after = await ScrapeAsync(server);

        double Delta(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        Assert.Equal(1, Delta("registry_registrations_total", ("registry_registration_result", "existing")));
        Assert.Equal(1, Delta("registry_registrations_total", ("registry_registration_result", "created")));
        Assert.Equal(4, Delta("registry_compatibility_checks_total", ("registry_compatibility_result", "compatible")));
        Assert.Equal(4, Delta("registry_compatibility_duration_seconds_count"));
        const string http = "http_server_request_duration_seconds_count";
        Assert.Equal(4, Delta(http, ("http_route", "/v1/subjects/{subject}/compatibility"), ("http_response_status_code", "200"), ("http_request_method", "POST")));
        Assert.Equal(1, Delta(http, ("http_route", "/v1/subjects/{subject}/versions"), ("http_response_status_code", "404"), ("http_request_method", "GET")));
    }

    [Fact]
    public async Task With_metrics_off_there_is_no_metrics_endpoint()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Telemetry:Metrics:Enabled"] = "false" });

        using var response = await server.Http.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Label_values_with_quotes_backslashes_and_line_feeds_are_escaped()
    {
        var text = new StringBuilder().Append("# TYPE a_total counter\n").Append("a_total{x=\"q\\\"b\\\\n\\n\"} 1\n").ToString();

        var sample = Assert.Single(PrometheusText.Parse(text));

        Assert.Equal("q\"b\\n\n", sample.Labels["x"]);
    }
}
