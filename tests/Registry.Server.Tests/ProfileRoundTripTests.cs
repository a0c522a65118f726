using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Registry.Schemas;
using Registry.Schemas.Validation;
using static Registry.Server.Tests.ApiClient;

namespace Registry.Server.Tests;

/// <summary>
/// The transform round trip through the server: for generated tool schemas and documents, a document put in the
/// transformed shape (an absent optional property sent as null) is valid through <c>check-output?profile=</c> exactly
/// when the document is valid under the original schema; and each schema's transform passes its own profile's lint.
/// </summary>
public sealed class ProfileRoundTripTests
{
    private const int Schemas = 40;
    private const int DocumentsPerSchema = 20;

    [Fact]
    public async Task A_document_in_the_transformed_shape_is_valid_through_the_profile_path_exactly_when_valid_under_the_original()
    {
        await using var server = await InProcessServer.StartAsync();
        int tested = 0, valid = 0;
        for (var seed = 0; seed < Schemas; seed++)
        {
            var random = new Random(seed);
            var schema = ObjectSchema(random, 0);
            var text = schema.ToJsonString();
            var subject = $"generated.s{seed}";
            await server.Http.RegisterAsync(subject, text);
            var original = SchemaCompiler.Compile(Encoding.UTF8.GetBytes(text)).Schema!;

            foreach (var profile in (string[])["openai-strict", "anthropic-strict"])
            {
                var (transformStatus, transform) = await server.Http.PostJsonAsync($"/v1/subjects/{subject}/versions/1/transform?profile={profile}", "{}");
                Assert.Equal(HttpStatusCode.OK, transformStatus);
                // Only request-wide counts the input itself breaks may remain (a transform cannot remove parameters).
                var remaining = transform.GetProperty("remaining_violations").EnumerateArray()
                    .Select(v => v.GetProperty("name").GetString()!)
                    .Where(n => n is not ("TOO_MANY_OPTIONAL_PARAMETERS" or "TOO_MANY_UNION_PARAMETERS"))
                    .ToArray();
                Assert.True(remaining.Length == 0, $"{profile}: {transform.GetProperty("remaining_violations")}{Environment.NewLine}{text}");
            }

            for (var d = 0; d < DocumentsPerSchema; d++)
            {
                var document = Document(random, schema);
                var expected = original.Evaluate(Encoding.UTF8.GetBytes(document.ToJsonString())) == ValidationOutcome.Valid;
                var shaped = NullForAbsent(schema, document.DeepClone()).ToJsonString();

                var (status, body) = await PostTextAsync(server.Http, $"/v1/subjects/{subject}/versions/1/check-output?profile=openai-strict", shaped);

                Assert.Equal(HttpStatusCode.OK, status);
                Assert.True(expected == body.GetProperty("valid").GetBoolean(),
                    $"original says {expected} for {document.ToJsonString()}, the profile path says otherwise for {shaped}{Environment.NewLine}{text}{Environment.NewLine}{body}");
                tested++;
                valid += expected ? 1 : 0;
            }
        }

        // The generator must produce both outcomes in numbers, or the equivalence proves little.
        Assert.True(valid > tested / 5, $"only {valid} of {tested} documents were valid");
        Assert.True(valid < tested * 4 / 5, $"{valid} of {tested} documents were valid");
    }

    /// <summary>An object schema of 1 to 4 properties, some required, nested objects to depth 2; no nulls (so null can only mean absent).</summary>
    private static JsonObject ObjectSchema(Random random, int depth)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var count = random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            var name = $"p{i}";
            properties[name] = Property(random, depth);
            if (random.Next(2) == 0)
            {
                required.Add((JsonNode)name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
        if (random.Next(2) == 0)
        {
            schema["additionalProperties"] = false;
        }

        return schema;
    }

    private static JsonObject Property(Random random, int depth) => random.Next(depth < 2 ? 7 : 6) switch
    {
        0 => new JsonObject { ["type"] = "string", ["minLength"] = 2, ["maxLength"] = 5 },
        1 => new JsonObject { ["type"] = "string", ["pattern"] = "^[a-c]+$" },
        2 => new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = 10 },
        3 => new JsonObject { ["type"] = "boolean" },
        4 => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("red", "green") },
        5 => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "integer", ["multipleOf"] = 2 }, ["maxItems"] = 2 },
        _ => ObjectSchema(random, depth + 1),
    };

    /// <summary>A document of the schema's shape: each property present three times in four, with values inside or outside the constraints.</summary>
    private static JsonObject Document(Random random, JsonObject schema)
    {
        var document = new JsonObject();
        foreach (var (name, property) in schema["properties"]!.AsObject())
        {
            if (random.Next(4) == 0)
            {
                continue;
            }

            document[name] = Value(random, property!.AsObject());
        }

        return document;
    }

    private static JsonNode Value(Random random, JsonObject property)
    {
        var inside = random.Next(4) != 0;
        return property["type"]!.GetValue<string>() switch
        {
            "string" when property["enum"] is not null => inside ? "green" : "blue",
            "string" when property["pattern"] is not null => inside ? "abc" : "abd",
            "string" => inside ? "abc" : "abcdefg",
            "integer" => inside ? random.Next(0, 11) : 11 + random.Next(3),
            "boolean" => inside ? (JsonNode)true : (JsonNode)"yes",
            "array" => inside ? new JsonArray(2, 4) : new JsonArray(1, 2, 4),
            _ => inside ? Document(random, property) : (JsonNode)5,
        };
    }

    /// <summary>Transform-shaped encoding: every property the schema declares and the document lacks is sent as null (recursively).</summary>
    private static JsonNode NullForAbsent(JsonObject schema, JsonNode document)
    {
        if (document is not JsonObject obj)
        {
            return document;
        }

        foreach (var (name, property) in schema["properties"]!.AsObject())
        {
            var required = schema["required"]!.AsArray().Any(r => r!.GetValue<string>() == name);
            if (!obj.ContainsKey(name))
            {
                if (!required)
                {
                    obj[name] = null;
                }
            }
            else if (property!["type"]!.GetValue<string>() == "object")
            {
                obj[name] = NullForAbsent(property.AsObject(), obj[name]!.DeepClone());
            }
        }

        return obj;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostTextAsync(HttpClient http, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/plain");
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
