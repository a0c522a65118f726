using System.Net;
using System.Text;
using Registry.Client;
using Registry.Protocol;

namespace Registry.Server.Tests.Binary;

/// <summary>
/// The binary protocol answers an exhausted work budget with <c>TOO_COMPLEX</c>, and a VALIDATE_BATCH shares one
/// budget among its documents whether it is answered on the read loop (warm schema id) or by the engine (a version).
/// </summary>
public sealed class WorkBudgetBinaryTests
{
    private const string Numbers = """{"type":"array","items":{"type":"integer"}}""";

    [Fact]
    public async Task A_batch_whose_documents_together_exceed_the_budget_is_too_complex_on_both_paths_and_the_connection_still_answers()
    {
        await using var server = await InProcessServer.StartAsync(new Dictionary<string, string?> { ["Registry:Engine:MaxWorkSteps"] = "20000" });
        var id = (await server.Http.RegisterAsync("numbers", Numbers)).GetProperty("id").GetInt32();
        await using var client = new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], ClientName = "budget" });
        var document = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 1_000)) + "]");

        // Each document alone is well within the budget; so are two.
        var two = await client.ValidateBatchAsync(id, [document, document], cancellationToken: Ct);
        Assert.All(two.Verdicts, v => Assert.True(v.IsValid));

        var twenty = Enumerable.Repeat<ReadOnlyMemory<byte>>(document, 20).ToList();
        var byId = await Assert.ThrowsAsync<RegistryRequestException>(() => client.ValidateBatchAsync(id, twenty, cancellationToken: Ct).AsTask());
        Assert.Equal(StatusCode.TooComplex, byId.Status);
        Assert.StartsWith("Validating the document needs more than 20,000 steps of work", byId.Message, StringComparison.Ordinal);

        var byVersion = await Assert.ThrowsAsync<RegistryRequestException>(() => client.ValidateBatchAsync("numbers", 1, twenty, cancellationToken: Ct).AsTask());
        Assert.Equal(StatusCode.TooComplex, byVersion.Status);

        // Not retryable: the same request fails the same way.
        Assert.False(ProtocolStatus.IsRetryable(StatusCode.TooComplex));
        var again = await client.ValidateBatchAsync(id, [document], cancellationToken: Ct);
        Assert.True(again.Verdicts[0].IsValid);
        using var health = await server.Http.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
