using System.Text;

namespace Registry.Client.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Register_then_get_by_id_returns_the_registered_bytes()
    {
        await using var f = await ClientFixture.StartAsync();
        var schema = """{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}""";

        var registered = await f.Client.RegisterAsync("orders.created", schema, ClientFixture.Ct);
        var fetched = await f.Client.FetchSchemaAsync(registered.SchemaId, ClientFixture.Ct);
        var report = await f.Client.ValidateAsync(registered.SchemaId, Encoding.UTF8.GetBytes("""{"id":"1"}"""), cancellationToken: ClientFixture.Ct);

        Assert.Equal(schema, fetched.ToString());
        Assert.True(report.IsValid);
    }
}
