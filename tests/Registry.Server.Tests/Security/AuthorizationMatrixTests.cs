using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Registry.Engine.Security;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Security;
using Registry.Server.Tests.Binary;

namespace Registry.Server.Tests.Security;

/// <summary>
/// Every endpoint of both HTTP APIs and every binary opcode, called by every kind of <see cref="Caller"/>, generated
/// from the two tables below: what each endpoint or opcode is (<see cref="HttpEndpoints"/>, <see cref="Opcodes"/>) and
/// who may do each kind of operation (<see cref="Allowed"/>). Allowed means the answer is neither 401 nor 403 (it may be
/// any other answer of the endpoint); refused means exactly 401 or 403 with the API's own error code.
/// </summary>
public sealed class AuthorizationMatrixTests(SecuredServer secured) : IClassFixture<SecuredServer>
{
    private const string S = SecuredServer.Subject;
    private const string Body = "{}";

    /// <summary>Who may do what: the roles table of docs/security.md, with the subject always <c>granted.orders</c>.</summary>
    private static readonly Dictionary<SecuredOperation, Caller[]> Allowed = new()
    {
        [SecuredOperation.Read] = [Caller.Reader, Caller.Service, Caller.DeveloperOnGrantedSubject, Caller.DeveloperOnOtherSubject, Caller.Admin],
        [SecuredOperation.Validate] = [Caller.Reader, Caller.Service, Caller.DeveloperOnGrantedSubject, Caller.DeveloperOnOtherSubject, Caller.Admin],
        [SecuredOperation.Register] = [Caller.Service, Caller.DeveloperOnGrantedSubject, Caller.Admin],
        [SecuredOperation.Lifecycle] = [Caller.DeveloperOnGrantedSubject, Caller.Admin],
        [SecuredOperation.Delete] = [Caller.DeveloperOnGrantedSubject, Caller.Admin],
        [SecuredOperation.SubjectConfig] = [Caller.DeveloperOnGrantedSubject, Caller.Admin],
        [SecuredOperation.HardDelete] = [Caller.Admin],
        [SecuredOperation.GlobalConfig] = [Caller.Admin],
        [SecuredOperation.ManageKeys] = [Caller.Admin],
        [SecuredOperation.ReadAudit] = [Caller.Admin],
    };

    /// <summary>Every HTTP endpoint: method, route pattern, a concrete path, and its operation (null: public).</summary>
    public static readonly (string Method, string Pattern, string Path, SecuredOperation? Operation)[] HttpEndpoints =
    [
        ("GET", "/health", "/health", null),
        ("GET", "/health/live", "/health/live", null),
        ("GET", "/health/ready", "/health/ready", null),
        ("GET", "/metrics", "/metrics", null),
        ("GET", "/v1/export", "/v1/export", SecuredOperation.Read),
        ("POST", "/v1/import", "/v1/import", SecuredOperation.GlobalConfig),
        ("GET", "/openapi/{documentName}.json", "/openapi/v1.json", null),
        ("GET", "/v1/stats", "/v1/stats", SecuredOperation.Read),

        ("GET", "/v1/subjects", "/v1/subjects", SecuredOperation.Read),
        ("GET", "/v1/subjects/{subject}/versions", $"/v1/subjects/{S}/versions", SecuredOperation.Read),
        ("POST", "/v1/subjects/{subject}/versions", $"/v1/subjects/{S}/versions", SecuredOperation.Register),
        ("GET", "/v1/subjects/{subject}/versions/{version}", $"/v1/subjects/{S}/versions/1", SecuredOperation.Read),
        ("GET", "/v1/subjects/{subject}/versions/{version}/schema", $"/v1/subjects/{S}/versions/1/schema", SecuredOperation.Read),
        ("GET", "/v1/subjects/{subject}/versions/{version}/referenced-by", $"/v1/subjects/{S}/versions/1/referenced-by", SecuredOperation.Read),
        ("GET", "/v1/subjects/{subject}/versions/{version}/tool", $"/v1/subjects/{S}/versions/1/tool", SecuredOperation.Read),
        ("GET", "/v1/subjects/{subject}/aliases", $"/v1/subjects/{S}/aliases", SecuredOperation.Read),
        ("GET", "/v1/subjects/{subject}/aliases/{alias}", $"/v1/subjects/{S}/aliases/prod", SecuredOperation.Read),
        ("PUT", "/v1/subjects/{subject}/aliases/{alias}", $"/v1/subjects/{S}/aliases/prod", SecuredOperation.Lifecycle),
        ("DELETE", "/v1/subjects/{subject}/aliases/{alias}", $"/v1/subjects/{S}/aliases/prod", SecuredOperation.Lifecycle),
        ("GET", "/v1/subjects/{subject}/aliases/{alias}/history", $"/v1/subjects/{S}/aliases/prod/history", SecuredOperation.Read),
        ("GET", "/v1/bundles/{alias}", $"/v1/bundles/prod?subjects={S}", SecuredOperation.Read),
        ("POST", "/v1/tools/convert", "/v1/tools/convert?format=openai", SecuredOperation.Validate),
        ("PUT", "/v1/subjects/{subject}/versions/{version}/state", $"/v1/subjects/{S}/versions/1/state", SecuredOperation.Lifecycle),
        ("PUT", "/v1/subjects/{subject}/versions/{version}/metadata", $"/v1/subjects/{S}/versions/1/metadata", SecuredOperation.Lifecycle),
        ("DELETE", "/v1/subjects/{subject}/versions/{version}", $"/v1/subjects/{S}/versions/99", SecuredOperation.Delete),
        ("DELETE", "/v1/subjects/{subject}/versions/{version}", $"/v1/subjects/{S}/versions/99?permanent=true", SecuredOperation.HardDelete),
        ("DELETE", "/v1/subjects/{subject}", "/v1/subjects/granted.none", SecuredOperation.Delete),
        ("DELETE", "/v1/subjects/{subject}", "/v1/subjects/granted.none?permanent=true", SecuredOperation.HardDelete),
        ("POST", "/v1/subjects/{subject}/lookup", $"/v1/subjects/{S}/lookup", SecuredOperation.Read),
        ("POST", "/v1/subjects/{subject}/compatibility", $"/v1/subjects/{S}/compatibility", SecuredOperation.Validate),
        ("GET", "/v1/schemas/{id}", "/v1/schemas/1", SecuredOperation.Read),
        ("GET", "/v1/schemas/{id}/schema", "/v1/schemas/1/schema", SecuredOperation.Read),
        ("GET", "/v1/schemas/{id}/versions", "/v1/schemas/1/versions", SecuredOperation.Read),
        ("GET", "/v1/config", "/v1/config", SecuredOperation.Read),
        ("PUT", "/v1/config", "/v1/config", SecuredOperation.GlobalConfig),
        ("GET", "/v1/config/{subject}", $"/v1/config/{S}", SecuredOperation.Read),
        ("PUT", "/v1/config/{subject}", $"/v1/config/{S}", SecuredOperation.SubjectConfig),
        ("DELETE", "/v1/config/{subject}", $"/v1/config/{S}", SecuredOperation.SubjectConfig),
        ("GET", "/v1/mode", "/v1/mode", SecuredOperation.Read),
        ("PUT", "/v1/mode", "/v1/mode", SecuredOperation.GlobalConfig),
        ("GET", "/v1/mode/{subject}", $"/v1/mode/{S}", SecuredOperation.Read),
        ("PUT", "/v1/mode/{subject}", $"/v1/mode/{S}", SecuredOperation.SubjectConfig),
        ("DELETE", "/v1/mode/{subject}", $"/v1/mode/{S}", SecuredOperation.SubjectConfig),
        ("POST", "/v1/schemas/{id}/validate", "/v1/schemas/1/validate", SecuredOperation.Validate),
        ("POST", "/v1/schemas/{id}/validate/batch", "/v1/schemas/1/validate/batch", SecuredOperation.Validate),
        ("POST", "/v1/subjects/{subject}/versions/{version}/validate", $"/v1/subjects/{S}/versions/1/validate", SecuredOperation.Validate),
        ("POST", "/v1/subjects/{subject}/versions/{version}/render", $"/v1/subjects/{S}/versions/1/render", SecuredOperation.Validate),
        ("POST", "/v1/subjects/{subject}/versions/{version}/validate/batch", $"/v1/subjects/{S}/versions/1/validate/batch", SecuredOperation.Validate),
        ("POST", "/v1/subjects/{subject}/versions/{version}/check-output", $"/v1/subjects/{S}/versions/1/check-output", SecuredOperation.Validate),
        ("POST", "/v1/schemas/{id}/check-output", "/v1/schemas/1/check-output", SecuredOperation.Validate),
        ("POST", "/v1/subjects/{subject}/versions/{version}/check-stream", $"/v1/subjects/{S}/versions/1/check-stream", SecuredOperation.Validate),
        ("POST", "/v1/schemas/{id}/check-stream", "/v1/schemas/1/check-stream", SecuredOperation.Validate),
        ("GET", "/v1/profiles", "/v1/profiles", SecuredOperation.Read),
        ("POST", "/v1/lint", "/v1/lint", SecuredOperation.Validate),
        ("POST", "/v1/subjects/{subject}/versions/{version}/lint", $"/v1/subjects/{S}/versions/1/lint", SecuredOperation.Validate),
        ("POST", "/v1/transform", "/v1/transform", SecuredOperation.Validate),
        ("POST", "/v1/subjects/{subject}/versions/{version}/transform", $"/v1/subjects/{S}/versions/1/transform", SecuredOperation.Validate),
        ("GET", "/v1/config/{subject}/profiles", $"/v1/config/{S}/profiles", SecuredOperation.Read),
        ("PUT", "/v1/config/{subject}/profiles", $"/v1/config/{S}/profiles", SecuredOperation.SubjectConfig),
        ("DELETE", "/v1/config/{subject}/profiles", $"/v1/config/{S}/profiles", SecuredOperation.SubjectConfig),
        ("GET", "/v1/toolsets", "/v1/toolsets", SecuredOperation.Read),
        ("GET", "/v1/toolsets/{name}", $"/v1/toolsets/{S}", SecuredOperation.Read),
        ("PUT", "/v1/toolsets/{name}", $"/v1/toolsets/{S}", SecuredOperation.SubjectConfig),
        ("DELETE", "/v1/toolsets/{name}", $"/v1/toolsets/{S}", SecuredOperation.SubjectConfig),
        ("POST", "/v1/toolsets/{name}/check", $"/v1/toolsets/{S}/check", SecuredOperation.Validate),
        ("POST", "/v1/keys", "/v1/keys", SecuredOperation.ManageKeys),
        ("GET", "/v1/keys", "/v1/keys", SecuredOperation.ManageKeys),
        ("GET", "/v1/keys/{keyId}", "/v1/keys/rk_0123456789abcdef", SecuredOperation.ManageKeys),
        ("DELETE", "/v1/keys/{keyId}", "/v1/keys/rk_0123456789abcdef", SecuredOperation.ManageKeys),
        ("GET", "/v1/audit", "/v1/audit", SecuredOperation.ReadAudit),
        ("GET", "/v1/audit/verify", "/v1/audit/verify", SecuredOperation.ReadAudit),

        ("GET", "/", "/", SecuredOperation.Read),
        ("POST", "/", "/", SecuredOperation.Read),
        ("GET", "/subjects", "/subjects", SecuredOperation.Read),
        ("POST", "/subjects/{subject}", $"/subjects/{S}", SecuredOperation.Read),
        ("DELETE", "/subjects/{subject}", "/subjects/granted.none", SecuredOperation.Delete),
        ("DELETE", "/subjects/{subject}", "/subjects/granted.none?permanent=true", SecuredOperation.HardDelete),
        ("GET", "/subjects/{subject}/metadata", $"/subjects/{S}/metadata?key=k&value=v", SecuredOperation.Read),
        ("GET", "/subjects/{subject}/versions", $"/subjects/{S}/versions", SecuredOperation.Read),
        ("POST", "/subjects/{subject}/versions", $"/subjects/{S}/versions", SecuredOperation.Register),
        ("GET", "/subjects/{subject}/versions/{version}", $"/subjects/{S}/versions/1", SecuredOperation.Read),
        ("DELETE", "/subjects/{subject}/versions/{version}", $"/subjects/{S}/versions/99", SecuredOperation.Delete),
        ("DELETE", "/subjects/{subject}/versions/{version}", $"/subjects/{S}/versions/99?permanent=true", SecuredOperation.HardDelete),
        ("GET", "/subjects/{subject}/versions/{version}/schema", $"/subjects/{S}/versions/1/schema", SecuredOperation.Read),
        ("GET", "/subjects/{subject}/versions/{version}/referencedby", $"/subjects/{S}/versions/1/referencedby", SecuredOperation.Read),
        ("GET", "/schemas", "/schemas", SecuredOperation.Read),
        ("GET", "/schemas/types", "/schemas/types", SecuredOperation.Read),
        ("GET", "/schemas/ids/{id}", "/schemas/ids/1", SecuredOperation.Read),
        ("GET", "/schemas/ids/{id}/schema", "/schemas/ids/1/schema", SecuredOperation.Read),
        ("GET", "/schemas/ids/{id}/subjects", "/schemas/ids/1/subjects", SecuredOperation.Read),
        ("GET", "/schemas/ids/{id}/versions", "/schemas/ids/1/versions", SecuredOperation.Read),
        ("POST", "/compatibility/subjects/{subject}/versions/{version}", $"/compatibility/subjects/{S}/versions/1", SecuredOperation.Validate),
        ("POST", "/compatibility/subjects/{subject}/versions", $"/compatibility/subjects/{S}/versions", SecuredOperation.Validate),
        ("GET", "/config", "/config", SecuredOperation.Read),
        ("PUT", "/config", "/config", SecuredOperation.GlobalConfig),
        ("DELETE", "/config", "/config", SecuredOperation.GlobalConfig),
        ("GET", "/config/{subject}", $"/config/{S}", SecuredOperation.Read),
        ("PUT", "/config/{subject}", $"/config/{S}", SecuredOperation.SubjectConfig),
        ("DELETE", "/config/{subject}", $"/config/{S}", SecuredOperation.SubjectConfig),
        ("GET", "/mode", "/mode", SecuredOperation.Read),
        ("PUT", "/mode", "/mode", SecuredOperation.GlobalConfig),
        ("DELETE", "/mode", "/mode", SecuredOperation.GlobalConfig),
        ("GET", "/mode/{subject}", $"/mode/{S}", SecuredOperation.Read),
        ("PUT", "/mode/{subject}", $"/mode/{S}", SecuredOperation.SubjectConfig),
        ("DELETE", "/mode/{subject}", $"/mode/{S}", SecuredOperation.SubjectConfig),
        ("GET", "/contexts", "/contexts", SecuredOperation.Read),
        ("GET", "/v1/metadata/id", "/v1/metadata/id", SecuredOperation.Read),
        ("GET", "/v1/metadata/version", "/v1/metadata/version", SecuredOperation.Read),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<int, Caller> HttpCases()
    {
        var data = new TheoryData<int, Caller>();
        for (var i = 0; i < HttpEndpoints.Length; i++)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(i, caller);
            }
        }

        return data;
    }

    [Fact]
    public void Every_endpoint_the_server_maps_is_in_the_table_and_in_the_servers_own_table()
    {
        var mapped = secured.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => m + " " + HttpOperations.Pattern(e.RoutePattern)))
            .ToHashSet(StringComparer.Ordinal);
        var tabled = HttpEndpoints.Select(e => e.Method + " " + e.Pattern).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(mapped.Except(tabled));
        Assert.Empty(tabled.Except(mapped));
        Assert.Empty(mapped.Except(HttpOperations.Table.Keys));
    }

    [Theory]
    [MemberData(nameof(HttpCases))]
    public async Task Each_http_endpoint_answers_each_caller_as_the_roles_table_says(int endpoint, Caller caller)
    {
        var (method, pattern, path, operation) = HttpEndpoints[endpoint];
        await secured.SeedAsync();
        var confluent = !pattern.StartsWith("/v1/", StringComparison.Ordinal) || pattern.StartsWith("/v1/metadata", StringComparison.Ordinal);
        var json = method is "POST" or "PUT" ? Body : null;

        var (status, body) = await secured.SendAsync(caller, new HttpMethod(method), path, json, confluent ? "application/vnd.schemaregistry.v1+json" : "application/json");

        var expected = Expect(operation, caller);
        var because = $"{method} {path} as {caller} answered {(int)status} {body}";
        if (expected == HttpStatusCode.OK)
        {
            Assert.True(status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), because);
            return;
        }

        Assert.True(expected == status, because);
        if (confluent)
        {
            Assert.Equal(expected == HttpStatusCode.Unauthorized ? 40101 : 40301, body.GetProperty("error_code").GetInt32());
        }
        else
        {
            Assert.Equal(expected == HttpStatusCode.Unauthorized ? "unauthenticated" : "forbidden", body.GetProperty("error_code").GetString());
        }
    }

    /// <summary>Every opcode after HELLO, with its operation (null: served before HELLO too).</summary>
    private static readonly (string Name, Func<uint, byte[]> Frame, SecuredOperation? Operation)[] Opcodes =
    [
        ("PING", id => FrameStream.Ping(id), null),
        ("GET_SCHEMA_BY_ID", id => FrameStream.GetSchemaById(id, 1), SecuredOperation.Read),
        ("GET_VERSION", id => FrameStream.Request(id, new GetVersionRequest { Subject = S }), SecuredOperation.Read),
        ("LIST_SUBJECTS", id => FrameStream.Request(id, new ListSubjectsRequest()), SecuredOperation.Read),
        ("LIST_VERSIONS", id => FrameStream.Request(id, new ListVersionsRequest { Subject = S }), SecuredOperation.Read),
        ("REGISTER", id => FrameStream.Request(id, new RegisterRequest { Subject = S, Schema = System.Text.Encoding.UTF8.GetBytes(SecuredServer.Schema) }), SecuredOperation.Register),
        ("CHECK_COMPATIBILITY", id => FrameStream.Request(id, new CheckCompatibilityRequest { Subject = S, Schema = "{}"u8.ToArray() }), SecuredOperation.Validate),
        ("VALIDATE", id => FrameStream.Validate(id, 1, "{}"u8), SecuredOperation.Validate),
        ("VALIDATE_BATCH", id => FrameStream.Encode((ref MessagePack.MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, id, Opcode.ValidateBatch);
            ValidateBatchRequest.WriteForSchemaId(ref w, 1, 0, 1);
            ValidateBatchRequest.WriteDocument(ref w, "{}"u8);
        }), SecuredOperation.Validate),
        ("UPDATE_VERSION", id => FrameStream.Request(id, new UpdateVersionRequest { Subject = S, Version = 99, SemVer = "9.9.9" }), SecuredOperation.Lifecycle),
        ("DELETE", id => FrameStream.Request(id, new DeleteRequest { Subject = S, Version = 99 }), SecuredOperation.Delete),
        ("DELETE permanent", id => FrameStream.Request(id, new DeleteRequest { Subject = S, Version = 99, Permanent = true }), SecuredOperation.HardDelete),
        ("GET_CONFIG", id => FrameStream.Request(id, new GetConfigRequest { Subject = S }), SecuredOperation.Read),
        ("SET_CONFIG subject", id => FrameStream.Request(id, new SetConfigRequest { Subject = S, Level = CompatibilityLevel.Backward }), SecuredOperation.SubjectConfig),
        ("SET_CONFIG global", id => FrameStream.Request(id, new SetConfigRequest { Level = CompatibilityLevel.Backward }), SecuredOperation.GlobalConfig),
        ("LIST_SCHEMA_USAGES", id => FrameStream.Request(id, new ListSchemaUsagesRequest(1)), SecuredOperation.Read),
        ("LIST_REFERENCED_BY", id => FrameStream.Request(id, new ListReferencedByRequest(S, 1)), SecuredOperation.Read),
        ("LINT", id => FrameStream.Request(id, new LintRequest { Schema = "{}"u8.ToArray(), Profiles = ["openai-strict"] }), SecuredOperation.Validate),
        ("CHECK_OUTPUT", id => FrameStream.Request(id, new CheckOutputRequest { SchemaId = 1, Output = "{}"u8.ToArray() }), SecuredOperation.Validate),
        ("STREAM_OPEN", id => FrameStream.Request(id, new StreamOpenRequest { SchemaId = 1 }), SecuredOperation.Validate),
        ("STREAM_CHUNK", id => FrameStream.Request(id, new StreamChunkRequest { StreamId = 1, Chunk = "{}"u8.ToArray(), Final = true }), SecuredOperation.Validate),
        ("TOOLSET list", id => FrameStream.Request(id, new ToolSetRequest { Action = ToolSetAction.List }), SecuredOperation.Read),
        ("TOOLSET get", id => FrameStream.Request(id, new ToolSetRequest { Action = ToolSetAction.Get, Name = S }), SecuredOperation.Read),
        ("TOOLSET export", id => FrameStream.Request(id, new ToolSetRequest { Action = ToolSetAction.Export, Name = S, Format = "openai" }), SecuredOperation.Read),
        ("TOOLSET check", id => FrameStream.Request(id, new ToolSetRequest { Action = ToolSetAction.Check, Name = S }), SecuredOperation.Validate),
        ("TOOLSET put", id => FrameStream.Request(id, new ToolSetRequest { Action = ToolSetAction.Put, Name = S, Tools = [new ToolSetTool(S, "1", "tool", null, true)] }), SecuredOperation.SubjectConfig),
        ("TOOLSET delete", id => FrameStream.Request(id, new ToolSetRequest { Action = ToolSetAction.Delete, Name = S }), SecuredOperation.SubjectConfig),
    ];

    public static TheoryData<int, Caller> BinaryCases()
    {
        var data = new TheoryData<int, Caller>();
        for (var i = 0; i < Opcodes.Length; i++)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(i, caller);
            }
        }

        return data;
    }

    [Fact]
    public void Every_opcode_of_the_protocol_is_in_the_table()
    {
        var tabled = Opcodes.Select(o => o.Name.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        var defined = Enum.GetValues<Opcode>().Where(o => o != Opcode.Hello).Select(o => ProtocolOpcodeName(o)).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(defined.Except(tabled));
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public async Task Each_opcode_answers_each_caller_as_the_roles_table_says(int opcode, Caller caller)
    {
        var (name, frame, operation) = Opcodes[opcode];
        await secured.SeedAsync();
        await using var stream = await FrameStream.ConnectAsync(secured.Server.BinaryEndpoint);
        var key = secured.KeyOf(caller);
        await stream.SendAsync(FrameStream.Request(1, new HelloRequest
        {
            ClientName = "matrix",
            Credentials = key is null ? null : new Registry.Protocol.Messages.Credentials("bearer", System.Text.Encoding.UTF8.GetBytes(key)),
        }));
        var hello = await stream.ReadAsync();
        var authenticated = Expect(SecuredOperation.Read, caller) != HttpStatusCode.Unauthorized;
        Assert.Equal(authenticated ? StatusCode.Ok : StatusCode.Unauthenticated, hello.Status);

        await stream.SendAsync(frame(2));
        var response = await stream.ReadAsync();

        var because = $"{name} as {caller} answered {ProtocolStatus.GetName(response.Status)}";
        if (operation is null)
        {
            Assert.True(response.Status == StatusCode.Ok, because);
        }
        else if (!authenticated)
        {
            // HELLO failed, so the connection has no principal: nothing but PING and HELLO is served.
            Assert.True(response.Status == StatusCode.HandshakeRequired, because);
        }
        else if (Expect(operation, caller) == HttpStatusCode.OK)
        {
            Assert.True(response.Status is not (StatusCode.Unauthenticated or StatusCode.Forbidden), because);
        }
        else
        {
            Assert.True(response.Status == StatusCode.Forbidden, because);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Http_basic_with_the_key_id_and_secret_works_like_a_bearer_key(bool basic)
    {
        var allowed = await secured.SendAsync(Caller.Reader, HttpMethod.Get, "/subjects", basic: basic);
        var refused = await secured.SendAsync(Caller.Reader, HttpMethod.Put, "/config", "{\"compatibility\":\"NONE\"}", "application/json", basic: basic);

        Assert.Equal(HttpStatusCode.OK, allowed.Status);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(40301, refused.Body.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task A_refusal_without_credentials_asks_for_basic_authentication()
    {
        using var response = await secured.Server.Http.GetAsync(new Uri("/v1/subjects", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private static HttpStatusCode Expect(SecuredOperation? operation, Caller caller) =>
        operation is not { } op ? HttpStatusCode.OK
        : caller is Caller.NoCredentials or Caller.BadCredentials or Caller.ExpiredKey or Caller.RevokedKey ? HttpStatusCode.Unauthorized
        : Allowed[op].Contains(caller) ? HttpStatusCode.OK
        : HttpStatusCode.Forbidden;

    private static string ProtocolOpcodeName(Opcode opcode) => opcode switch
    {
        Opcode.Ping => "PING",
        Opcode.GetSchemaById => "GET_SCHEMA_BY_ID",
        Opcode.GetVersion => "GET_VERSION",
        Opcode.ListSubjects => "LIST_SUBJECTS",
        Opcode.ListVersions => "LIST_VERSIONS",
        Opcode.Register => "REGISTER",
        Opcode.CheckCompatibility => "CHECK_COMPATIBILITY",
        Opcode.Validate => "VALIDATE",
        Opcode.ValidateBatch => "VALIDATE_BATCH",
        Opcode.UpdateVersion => "UPDATE_VERSION",
        Opcode.Delete => "DELETE",
        Opcode.GetConfig => "GET_CONFIG",
        Opcode.SetConfig => "SET_CONFIG",
        Opcode.ListSchemaUsages => "LIST_SCHEMA_USAGES",
        Opcode.ListReferencedBy => "LIST_REFERENCED_BY",
        Opcode.Lint => "LINT",
        Opcode.CheckOutput => "CHECK_OUTPUT",
        Opcode.StreamOpen => "STREAM_OPEN",
        Opcode.StreamChunk => "STREAM_CHUNK",
        Opcode.ToolSet => "TOOLSET",
        _ => opcode.ToString(),
    };
}
