using System.Net;
using System.Text;
using System.Text.Json;
using Confluent.SchemaRegistry;

namespace Registry.Confluent.Tests;

/// <summary>
/// A Kafka user's draft-07 schema without <c>$schema</c> (tuple <c>items</c>, <c>additionalItems</c>,
/// <c>dependencies</c>), registered with Confluent's own client: read as draft-07 as Confluent reads it, for
/// registration, lookup, compatibility and validation alike; a subject's <c>default_draft</c> overrides it.
/// </summary>
public sealed class DefaultDraftTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Reading = """
        {"type":"object","title":"Reading",
         "properties":{"sample":{"type":"array","items":[{"type":"string"},{"type":"number"}],"additionalItems":false},
                       "unit":{"type":"string"},"scale":{"type":"number"}},
         "dependencies":{"scale":["unit"]},
         "required":["sample"]}
        """;

    /// <summary>The reading with the sample's second member turned into a string: no old reading satisfies it.</summary>
    private const string ReadingOfStrings = """
        {"type":"object","title":"Reading",
         "properties":{"sample":{"type":"array","items":[{"type":"string"},{"type":"string"}],"additionalItems":false},
                       "unit":{"type":"string"},"scale":{"type":"number"}},
         "dependencies":{"scale":["unit"]},
         "required":["sample"]}
        """;

    private ConfluentServer Server => shared.Server;

    private CachedSchemaRegistryClient NewClient() => new(new SchemaRegistryConfig { Url = Server.Url });

    private async Task<bool> ValidAsync(int id, string document)
    {
        using var response = await Server.Http.PostAsync(
            $"/v1/schemas/{id}/validate", new StringContent(document, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return body.RootElement.GetProperty("valid").GetBoolean();
    }

    [Fact]
    public async Task A_draft_07_schema_without_schema_keyword_registers_and_validates_by_draft_07_rules()
    {
        var subject = $"readings-{Guid.NewGuid():N}-value";
        using var client = NewClient();

        var id = await client.RegisterSchemaAsync(subject, new Schema(Reading, SchemaType.Json));
        var again = await client.GetSchemaIdAsync(subject, new Schema(Reading, SchemaType.Json));
        var lookup = await client.LookupSchemaAsync(subject, new Schema(Reading, SchemaType.Json), ignoreDeletedSchemas: true);

        Assert.Equal(id, again);
        Assert.Equal(id, lookup.Id);
        Assert.True(await ValidAsync(id, """{"sample":["t",21.5],"unit":"C","scale":1}"""));
        Assert.False(await ValidAsync(id, """{"sample":["t","warm"]}"""), "the tuple's second member is a number");
        Assert.False(await ValidAsync(id, """{"sample":["t",21.5,"extra"]}"""), "additionalItems is false");
        Assert.False(await ValidAsync(id, """{"sample":["t",21.5],"scale":1}"""), "scale depends on unit");
    }

    [Fact]
    public async Task Compatibility_is_judged_by_draft_07_rules()
    {
        var subject = $"readings-{Guid.NewGuid():N}-value";
        using var client = NewClient();
        await client.RegisterSchemaAsync(subject, new Schema(Reading, SchemaType.Json));

        Assert.False(await client.IsCompatibleAsync(subject, new Schema(ReadingOfStrings, SchemaType.Json)));
        var e = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema(ReadingOfStrings, SchemaType.Json)));
        Assert.Equal(409, (int)e.Status);
    }

    [Fact]
    public async Task A_subject_set_to_2020_12_reads_the_schema_by_2020_12_rules()
    {
        var subject = $"readings-{Guid.NewGuid():N}-value";
        using var put = await Server.Http.PutAsync(
            $"/v1/config/{subject}", new StringContent("""{"default_draft":"2020-12"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var client = NewClient();

        // 2020-12 has no array form of 'items': the schema is not a valid 2020-12 schema.
        var e = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema(Reading, SchemaType.Json)));

        Assert.Equal(422, (int)e.Status);
        Assert.Equal(42201, e.ErrorCode);
    }
}
