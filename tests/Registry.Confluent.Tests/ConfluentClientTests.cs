using System.Net;
using System.Text.Json;
using Confluent.SchemaRegistry;

namespace Registry.Confluent.Tests;

/// <summary>The real Confluent .NET client (<see cref="CachedSchemaRegistryClient"/>, 2.14) against the server.</summary>
public sealed class ConfluentClientTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Order = """{"type":"object","properties":{"id":{"type":"string"},"quantity":{"type":"integer"}},"required":["id"],"additionalProperties":false}""";

    /// <summary>The same schema, pretty-printed with its members in another order.</summary>
    private const string OrderPretty = """
        {
          "required": [ "id" ],
          "properties": {
            "quantity": { "type": "integer" },
            "id": { "type": "string" }
          },
          "type": "object",
          "additionalProperties": false
        }
        """;

    /// <summary>Adds an optional member: compatible under BACKWARD.</summary>
    private const string OrderWithNote = """{"type":"object","properties":{"id":{"type":"string"},"quantity":{"type":"integer"},"note":{"type":"string"}},"required":["id"],"additionalProperties":false}""";

    /// <summary>Changes the type of a member: incompatible.</summary>
    private const string OrderWithNumericId = """{"type":"object","properties":{"id":{"type":"integer"},"quantity":{"type":"integer"}},"required":["id"],"additionalProperties":false}""";

    private ConfluentServer Server => shared.Server;

    private CachedSchemaRegistryClient NewClient() => new(new SchemaRegistryConfig { Url = Server.Url });

    private static string Subject(string name) => $"{name}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Register_then_read_by_id_latest_and_version_with_the_client()
    {
        using var client = NewClient();
        var subject = Subject("orders-value");
        var id = await client.RegisterSchemaAsync(subject, new Schema(Order, SchemaType.Json));
        Assert.True(id > 0);

        using var fresh = NewClient();
        var byId = await fresh.GetSchemaAsync(id);
        Assert.Equal(SchemaType.Json, byId.SchemaType);
        Assert.True(JsonElement.DeepEquals(Parse(Order), Parse(byId.SchemaString)));
        Assert.Empty(byId.References);

        var latest = await fresh.GetLatestSchemaAsync(subject);
        Assert.Equal((subject, 1, id, SchemaType.Json), (latest.Subject, latest.Version, latest.Id, latest.SchemaType));

        var second = await fresh.RegisterSchemaAsync(subject, new Schema(OrderWithNote, SchemaType.Json));
        Assert.NotEqual(id, second);
        var first = await fresh.GetRegisteredSchemaAsync(subject, 1, ignoreDeletedSchemas: true);
        Assert.Equal((subject, 1, id), (first.Subject, first.Version, first.Id));
        Assert.Equal(second, (await NewClient().GetLatestSchemaAsync(subject)).Id);
        Assert.Equal([1, 2], await fresh.GetSubjectVersionsAsync(subject));
        Assert.Contains(subject, await fresh.GetAllSubjectsAsync());
    }

    [Fact]
    public async Task Registering_the_same_schema_pretty_printed_or_in_another_subject_gives_the_same_id()
    {
        using var client = NewClient();
        var subject = Subject("same");
        var id = await client.RegisterSchemaAsync(subject, new Schema(Order, SchemaType.Json));
        using var other = NewClient();
        Assert.Equal(id, await other.RegisterSchemaAsync(subject, new Schema(OrderPretty, SchemaType.Json)));
        Assert.Equal([1], await other.GetSubjectVersionsAsync(subject));

        var elsewhere = Subject("elsewhere");
        Assert.Equal(id, await other.RegisterSchemaAsync(elsewhere, new Schema(OrderPretty, SchemaType.Json)));
        var response = await other.RegisterSchemaWithResponseAsync(elsewhere, new Schema(Order, SchemaType.Json));
        Assert.Equal((id, 1), (response.Id, response.Version));
    }

    [Fact]
    public async Task Lookup_finds_the_version_holding_a_schema_and_reports_a_missing_one()
    {
        using var client = NewClient();
        var subject = Subject("lookup");
        var id = await client.RegisterSchemaAsync(subject, new Schema(Order, SchemaType.Json));

        using var fresh = NewClient();
        Assert.Equal(id, await fresh.GetSchemaIdAsync(subject, new Schema(OrderPretty, SchemaType.Json)));
        var found = await fresh.LookupSchemaAsync(subject, new Schema(Order, SchemaType.Json), ignoreDeletedSchemas: true, normalize: false);
        Assert.Equal((subject, 1, id, SchemaType.Json), (found.Subject, found.Version, found.Id, found.SchemaType));

        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(() => fresh.GetSchemaIdAsync(subject, new Schema(OrderWithNote, SchemaType.Json)));
        Assert.Equal((HttpStatusCode.NotFound, 40403), (missing.Status, missing.ErrorCode));
        var noSubject = await Assert.ThrowsAsync<SchemaRegistryException>(() => fresh.GetSchemaIdAsync(Subject("nobody"), new Schema(Order, SchemaType.Json)));
        Assert.Equal((HttpStatusCode.NotFound, 40401), (noSubject.Status, noSubject.ErrorCode));
    }

    [Fact]
    public async Task Compatibility_check_and_incompatible_registration_through_the_client()
    {
        using var client = NewClient();
        var subject = Subject("compat");
        await client.RegisterSchemaAsync(subject, new Schema(Order, SchemaType.Json));

        Assert.True(await client.IsCompatibleAsync(subject, new Schema(OrderWithNote, SchemaType.Json)));
        Assert.False(await client.IsCompatibleAsync(subject, new Schema(OrderWithNumericId, SchemaType.Json)));
        Assert.True(await client.IsCompatibleAsync(Subject("no-such-subject"), new Schema(Order, SchemaType.Json)));

        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema(OrderWithNumericId, SchemaType.Json)));
        Assert.Equal((HttpStatusCode.Conflict, 409), (refused.Status, refused.ErrorCode));
        Assert.Equal([1], await client.GetSubjectVersionsAsync(subject));
    }

    [Fact]
    public async Task Config_get_and_set_for_a_subject_through_the_client()
    {
        using var client = NewClient();
        var subject = Subject("config");
        Assert.Equal(Compatibility.Backward, await client.GetCompatibilityAsync());

        var unset = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetCompatibilityAsync(subject));
        Assert.Equal((HttpStatusCode.NotFound, 40408), (unset.Status, unset.ErrorCode));

        // PUT answers {"compatibility": ...}; the client must read the level back from it.
        Assert.Equal(Compatibility.FullTransitive, await client.UpdateCompatibilityAsync(Compatibility.FullTransitive, subject));
        Assert.Equal(Compatibility.FullTransitive, await client.GetCompatibilityAsync(subject));
        Assert.Equal(Compatibility.Backward, await client.GetCompatibilityAsync());

        await client.RegisterSchemaAsync(subject, new Schema(Order, SchemaType.Json));
        Assert.False(await client.IsCompatibleAsync(subject, new Schema(OrderWithNote.Replace("\"required\":[\"id\"]", "\"required\":[\"id\",\"note\"]", StringComparison.Ordinal), SchemaType.Json)));
    }

    [Fact]
    public async Task References_are_registered_resolved_and_returned_through_the_client()
    {
        using var client = NewClient();
        var addressSubject = Subject("address");
        var customerSubject = Subject("customer");
        const string address = """{"type":"object","properties":{"street":{"type":"string"}},"required":["street"]}""";
        const string customer = """{"type":"object","properties":{"name":{"type":"string"},"address":{"$ref":"address.json"}}}""";

        var addressId = await client.RegisterSchemaAsync(addressSubject, new Schema(address, SchemaType.Json));
        var reference = new SchemaReference("address.json", addressSubject, 1);
        var customerId = await client.RegisterSchemaAsync(customerSubject, new Schema(customer, [reference], SchemaType.Json));
        Assert.NotEqual(addressId, customerId);

        using var fresh = NewClient();
        var byId = await fresh.GetSchemaAsync(customerId);
        var returned = Assert.Single(byId.References);
        Assert.Equal(("address.json", addressSubject, 1), (returned.Name, returned.Subject, returned.Version));
        var latest = await fresh.GetLatestSchemaAsync(customerSubject);
        Assert.Single(latest.References);
        Assert.Equal(customerId, await fresh.GetSchemaIdAsync(customerSubject, new Schema(customer, [reference], SchemaType.Json)));

        var referencedBy = await Server.Http.GetRawAsync($"/subjects/{addressSubject}/versions/1/referencedby");
        Assert.Equal($"[{customerId}]", referencedBy.Text);

        // A reference the registry cannot resolve is an invalid schema.
        var dangling = await Assert.ThrowsAsync<SchemaRegistryException>(() =>
            client.RegisterSchemaAsync(Subject("dangling"), new Schema(customer, [new SchemaReference("address.json", Subject("nowhere"), 1)], SchemaType.Json)));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, 42201), (dangling.Status, dangling.ErrorCode));
    }

    [Fact]
    public async Task Deleted_subjects_disappear_from_the_client_and_ids_keep_resolving()
    {
        using var client = NewClient();
        var subject = Subject("deleted");
        var own = $$"""{"title":"{{Guid.NewGuid():N}}","type":"string"}""";
        var id = await client.RegisterSchemaAsync(subject, new Schema(own, SchemaType.Json));

        // The .NET client has no delete method: the delete goes over HTTP, the reads through the client.
        Assert.Equal("[1]", (await Server.Http.DeleteRawAsync($"/subjects/{subject}")).Text);
        using var fresh = NewClient();
        var gone = await Assert.ThrowsAsync<SchemaRegistryException>(() => fresh.GetLatestSchemaAsync(subject));
        Assert.Equal((HttpStatusCode.NotFound, 40401), (gone.Status, gone.ErrorCode));
        Assert.DoesNotContain(subject, await fresh.GetAllSubjectsAsync());
        Assert.True(JsonElement.DeepEquals(Parse(own), Parse((await fresh.GetSchemaAsync(id)).SchemaString)));

        Assert.Equal("[1]", (await Server.Http.DeleteRawAsync($"/subjects/{subject}?permanent=true")).Text);
        var purged = await Assert.ThrowsAsync<SchemaRegistryException>(() => NewClient().GetSchemaAsync(id));
        Assert.Equal((HttpStatusCode.NotFound, 40403), (purged.Status, purged.ErrorCode));
    }

    [Fact]
    public async Task Avro_and_protobuf_are_refused_clearly_through_the_client()
    {
        using var client = NewClient();
        var avro = await Assert.ThrowsAsync<SchemaRegistryException>(() =>
            client.RegisterSchemaAsync(Subject("avro"), new Schema("""{"type":"record","name":"R","fields":[]}""", SchemaType.Avro)));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, 42201), (avro.Status, avro.ErrorCode));
        Assert.Contains("not supported yet", avro.Message, StringComparison.Ordinal);

        var protobuf = await Assert.ThrowsAsync<SchemaRegistryException>(() =>
            client.RegisterSchemaAsync(Subject("proto"), new Schema("syntax = \"proto3\"; message M {}", SchemaType.Protobuf)));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, 42201), (protobuf.Status, protobuf.ErrorCode));
        Assert.Contains("PROTOBUF", protobuf.Message, StringComparison.Ordinal);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
