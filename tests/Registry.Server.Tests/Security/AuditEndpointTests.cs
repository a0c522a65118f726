using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Tests.Binary;

namespace Registry.Server.Tests.Security;

/// <summary>The audit log as the APIs fill it and as <c>GET /v1/audit</c> and <c>/v1/audit/verify</c> show it.</summary>
public sealed class AuditEndpointTests(SecuredServer secured) : IClassFixture<SecuredServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_refusals_and_key_operations_are_recorded_with_principal_source_subject_and_outcome()
    {
        var developer = secured.KeyOf(Caller.DeveloperOnGrantedSubject)!;
        var developerId = developer[..developer.IndexOf('.', StringComparison.Ordinal)];
        var (registered, _) = await secured.SendAsync(Caller.DeveloperOnGrantedSubject, HttpMethod.Post, "/v1/subjects/granted.audit/versions", """{"schema":{"type":"string"}}""");
        var (denied, _) = await secured.SendAsync(Caller.DeveloperOnOtherSubject, HttpMethod.Post, "/subjects/granted.audit/versions", """{"schema":"{}"}""", "application/json");
        var (anonymous, _) = await secured.SendAsync(Caller.NoCredentials, HttpMethod.Delete, "/v1/subjects/granted.audit");
        Assert.Equal(HttpStatusCode.Created, registered);
        Assert.Equal(HttpStatusCode.Forbidden, denied);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);

        var (status, body) = await secured.SendAsync(Caller.Admin, HttpMethod.Get, "/v1/audit?subject=granted.audit");

        Assert.Equal(HttpStatusCode.OK, status);
        var rows = body.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(("register", developerId, "ok"), Row(rows[0]));
        Assert.Equal("127.0.0.1", rows[0].GetProperty("source").GetString());
        Assert.Equal(("register", "denied"), (Row(rows[1]).Operation, Row(rows[1]).Outcome));
        Assert.Equal(("delete", "anonymous", "unauthenticated"), Row(rows[2]));
        var keys = await secured.SendAsync(Caller.Admin, HttpMethod.Get, "/v1/audit?principal=" + SecuredServer.AdminKey[..19]);
        Assert.Contains(keys.Body.GetProperty("entries").EnumerateArray(), r => r.GetProperty("operation").GetString() == "key_create");
        Assert.Contains(keys.Body.GetProperty("entries").EnumerateArray(), r => r.GetProperty("operation").GetString() == "key_revoke");
    }

    [Fact]
    public async Task A_write_on_the_binary_protocol_is_recorded_too()
    {
        await using var stream = await FrameStream.ConnectAsync(secured.Server.BinaryEndpoint);
        await stream.SendAsync(FrameStream.Request(1, new HelloRequest
        {
            Credentials = new Credentials("basic", System.Text.Encoding.UTF8.GetBytes(secured.KeyOf(Caller.Service)!.Replace('.', ':'))),
        }));
        Assert.Equal(StatusCode.Ok, (await stream.ReadAsync()).Status);
        await stream.SendAsync(FrameStream.Request(2, new RegisterRequest { Subject = "granted.binary", Schema = "{\"type\":\"number\"}"u8.ToArray() }));
        Assert.Equal(StatusCode.Ok, (await stream.ReadAsync()).Status);

        var (_, body) = await secured.SendAsync(Caller.Admin, HttpMethod.Get, "/v1/audit?subject=granted.binary");

        var row = Assert.Single(body.GetProperty("entries").EnumerateArray());
        Assert.Equal(("register", secured.KeyOf(Caller.Service)![..19], "ok"), Row(row));
    }

    [Fact]
    public async Task The_verifier_finds_the_chain_whole_and_then_names_the_row_that_was_changed()
    {
        await secured.SendAsync(Caller.Reader, HttpMethod.Put, "/v1/config", """{"compatibility":"NONE"}""");
        await secured.SendAsync(Caller.Reader, HttpMethod.Put, "/v1/mode", """{"mode":"READONLY"}""");
        var (_, whole) = await secured.SendAsync(Caller.Admin, HttpMethod.Get, "/v1/audit/verify");
        Assert.True(whole.GetProperty("intact").GetBoolean(), whole.ToString());
        var rows = whole.GetProperty("rows").GetInt64();
        Assert.True(rows >= 2);

        await using (var connection = new SqliteConnection($"Data Source={secured.Server.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_log SET outcome = 'ok' WHERE seq = $1";
            command.Parameters.AddWithValue("$1", rows);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        var (_, broken) = await secured.SendAsync(Caller.Admin, HttpMethod.Get, "/v1/audit/verify");

        Assert.False(broken.GetProperty("intact").GetBoolean());
        Assert.Equal(rows, broken.GetProperty("broken_at").GetInt64());
        Assert.Contains("changed", broken.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_created_key_is_shown_whole_once_and_listed_without_its_secret()
    {
        var (created, body) = await secured.SendAsync(Caller.Admin, HttpMethod.Post, "/v1/keys",
            """{"role":"service","grants":["orders.*"],"description":"orders serializer","expires_at":"2099-01-01T00:00:00Z"}""");
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("key_id").GetString()!;

        var (_, list) = await secured.SendAsync(Caller.Admin, HttpMethod.Get, "/v1/keys");
        var (_, one) = await secured.SendAsync(Caller.Admin, HttpMethod.Get, "/v1/keys/" + id);

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.StartsWith(id + ".", key, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.ToString(), StringComparison.Ordinal);
        Assert.False(one.TryGetProperty("key", out _));
        Assert.Equal("service", one.GetProperty("role").GetString());
        Assert.Equal(["orders.*"], one.GetProperty("grants").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(2099, one.GetProperty("expires_at").GetDateTimeOffset().Year);
    }

    [Theory]
    [InlineData("""{"role":"root"}""")]
    [InlineData("""{"role":"developer","grants":["a*b"]}""")]
    [InlineData("""{"role":"reader","expires_at":"2001-01-01T00:00:00Z"}""")]
    [InlineData("""{"role":"reader","secret":"mine"}""")]
    public async Task A_key_request_that_makes_no_sense_is_a_400(string json)
    {
        var (status, body) = await secured.SendAsync(Caller.Admin, HttpMethod.Post, "/v1/keys", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotEqual(JsonValueKind.Undefined, body.ValueKind);
    }

    [Fact]
    public async Task Revoking_an_unknown_key_is_a_404_with_its_own_code()
    {
        var (status, body) = await secured.SendAsync(Caller.Admin, HttpMethod.Delete, "/v1/keys/rk_ffffffffffffffff");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("key_not_found", body.GetProperty("error_code").GetString());
    }

    private static (string Operation, string Principal, string Outcome) Row(JsonElement row) =>
        (row.GetProperty("operation").GetString()!, row.GetProperty("principal").GetString()!, row.GetProperty("outcome").GetString()!);
}
