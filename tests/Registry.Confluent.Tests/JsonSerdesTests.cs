using System.Buffers.Binary;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace Registry.Confluent.Tests;

/// <summary>
/// Confluent's JSON serializer and deserializer (Confluent.SchemaRegistry.Serdes.Json 2.14) round-tripping messages
/// through schemas registered here; no Kafka broker is involved, the serdes are called directly.
/// </summary>
public sealed class JsonSerdesTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ConfluentServer Server => shared.Server;

    private CachedSchemaRegistryClient NewClient() => new(new SchemaRegistryConfig { Url = Server.Url });

    [Fact]
    public async Task Serializer_registers_the_type_schema_and_the_deserializer_reads_the_message_back()
    {
        var topic = $"orders-{Guid.NewGuid():N}";
        var context = new SerializationContext(MessageComponentType.Value, topic);
        var order = new OrderPlaced { OrderId = "o-17", Quantity = 3, Note = "gift wrap, \"fragile\" – ünïcode" };

        using var producerClient = NewClient();
        var serializer = new JsonSerializer<OrderPlaced>(producerClient);
        var bytes = await serializer.SerializeAsync(order, context);

        // Confluent's wire format: magic byte 0, the schema id big-endian, then the JSON text.
        Assert.Equal(0, bytes[0]);
        var id = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4));
        using var check = NewClient();
        var latest = await check.GetLatestSchemaAsync($"{topic}-value");
        Assert.Equal((id, 1, SchemaType.Json), (latest.Id, latest.Version, latest.SchemaType));
        Assert.Contains("OrderPlaced", latest.SchemaString, StringComparison.Ordinal);

        using var consumerClient = NewClient();
        var deserializer = new JsonDeserializer<OrderPlaced>(consumerClient, new JsonDeserializerConfig());
        var read = await deserializer.DeserializeAsync(bytes, isNull: false, context);
        Assert.Equal(order, read);

        // A second message is served from the serializer's caches and still reads back.
        var again = await serializer.SerializeAsync(order with { Quantity = 4 }, context);
        Assert.Equal(4, (await deserializer.DeserializeAsync(again, isNull: false, context)).Quantity);
    }

    [Fact]
    public async Task Serializer_with_use_latest_version_uses_a_schema_registered_beforehand()
    {
        var topic = $"latest-{Guid.NewGuid():N}";
        var context = new SerializationContext(MessageComponentType.Value, topic);
        const string schema = """
            {"$schema":"http://json-schema.org/draft-07/schema#","title":"OrderPlaced","type":"object",
             "properties":{"OrderId":{"type":"string"},"Quantity":{"type":"integer"},"Note":{"type":["string","null"]}},
             "required":["OrderId"]}
            """;
        using var admin = NewClient();
        var id = await admin.RegisterSchemaAsync($"{topic}-value", new Schema(schema, SchemaType.Json));

        using var client = NewClient();
        var serializer = new JsonSerializer<OrderPlaced>(client, new JsonSerializerConfig { AutoRegisterSchemas = false, UseLatestVersion = true });
        var bytes = await serializer.SerializeAsync(new OrderPlaced { OrderId = "o-1", Quantity = 1 }, context);
        Assert.Equal(id, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)));

        var deserializer = new JsonDeserializer<OrderPlaced>(NewClient(), new JsonDeserializerConfig());
        Assert.Equal("o-1", (await deserializer.DeserializeAsync(bytes, isNull: false, context)).OrderId);
        Assert.Equal([1], await admin.GetSubjectVersionsAsync($"{topic}-value"));
    }

    [Fact]
    public async Task Deserializer_refuses_a_message_that_breaks_the_registered_schema()
    {
        var topic = $"strict-{Guid.NewGuid():N}";
        var context = new SerializationContext(MessageComponentType.Value, topic);
        const string schema = """{"type":"object","properties":{"OrderId":{"type":"string","minLength":5}},"required":["OrderId"]}""";
        using var admin = NewClient();
        var id = await admin.RegisterSchemaAsync($"{topic}-value", new Schema(schema, SchemaType.Json));

        // Written by hand (as a non-validating producer might): the id of the schema, then JSON breaking minLength.
        var payload = "{\"OrderId\":\"x\",\"Quantity\":1,\"Note\":null}"u8;
        var message = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1, 4), id);
        payload.CopyTo(message.AsSpan(5));

        var deserializer = new JsonDeserializer<OrderPlaced>(NewClient(), new JsonDeserializerConfig());
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => deserializer.DeserializeAsync(message, isNull: false, context));
        Assert.Contains("OrderId", failure.ToString(), StringComparison.Ordinal);
    }

    public sealed record OrderPlaced
    {
        public string OrderId { get; init; } = "";

        public int Quantity { get; init; }

        public string? Note { get; init; }
    }
}
