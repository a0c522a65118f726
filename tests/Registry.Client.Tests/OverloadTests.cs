using System.Diagnostics;
using System.Text;
using Registry.Protocol.Messages;

namespace Registry.Client.Tests;

/// <summary>
/// The load suite's mix over the binary protocol, offered at a fixed rate whatever the answers (open loop): reads,
/// validations and registrations of new versions of existing subjects, each checked for compatibility and each a
/// barrier on its connection, with a request time-out shorter than a backlog takes to clear.
/// </summary>
public sealed class OverloadTests
{
    private static CancellationToken Ct => ClientFixture.Ct;

    [Fact]
    public async Task Connections_keep_answering_after_time_outs_under_reads_validations_and_new_versions_of_existing_subjects()
    {
        await using var f = await ClientFixture.StartAsync();
        var setup = f.Client;
        var readId = (await setup.RegisterAsync("overload.read", """{"type":"string","maxLength":64}""", Ct)).SchemaId;
        var validateId = (await setup.RegisterAsync("overload.validate", """{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}""", Ct)).SchemaId;
        // Few subjects checked against every earlier version: a registration costs more the longer the run lasts.
        const int subjects = 4;
        for (var s = 0; s < subjects; s++)
        {
            await setup.RegisterAsync($"overload.{s}", Version(0), Ct);
            await setup.SetConfigAsync(new SetConfigRequest { Subject = $"overload.{s}", Level = CompatibilityLevel.FullTransitive }, Ct);
        }

        // The load's client: two connections, as the load suite's, and a time-out shorter than a registration may wait
        // for the requests ahead of it on its connection.
        await using var client = new RegistryClient(new RegistryClientOptions
        {
            Endpoints = [f.Server.BinaryEndpoint.ToString()],
            ClientName = "overload",
            PoolSize = 2,
            RequestTimeout = TimeSpan.FromMilliseconds(30),
        });
        await RetryAsync(() => client.FetchSchemaAsync(readId, Ct).AsTask());
        var document = Encoding.UTF8.GetBytes("""{"name":"x"}""");
        long writes = 0, answered = 0, failed = 0, other = 0;
        var calls = new List<Task>();
        var perSecond = new long[30];

        // Offered at about 2,000 requests per second for 8 s: well above what one registration at a time per connection
        // lets through when every twentieth request is a registration, so requests time out and the client goes on.
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(8) && sent < 20_000)
        {
            for (var i = 0; i < 20; i++, sent++)
            {
                var kind = sent % 20;
                calls.Add(Task.Run(async () =>
                {
                    try
                    {
                        if (kind == 0)
                        {
                            var n = Interlocked.Increment(ref writes);
                            await client.RegisterAsync($"overload.{n % subjects}", Version(n), Ct);
                        }
                        else if (kind <= 3)
                        {
                            await client.ValidateAsync(validateId, document, cancellationToken: Ct);
                        }
                        else
                        {
                            await client.FetchSchemaAsync(readId, Ct);
                        }

                        Interlocked.Increment(ref answered);
                        Interlocked.Increment(ref perSecond[Math.Min(perSecond.Length - 1, (int)clock.Elapsed.TotalSeconds)]);
                    }
                    catch (Exception e) when (e is TimeoutException or RegistryRequestException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref other);
                    }
                }, Ct));
            }

            await Task.Delay(10, Ct);
        }

        // Every call ends, answered or failed with a time-out or an error of the registry, within generous bounds.
        var all = Task.WhenAll(calls);
        Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(60), Ct)));
        Assert.Equal(0, Interlocked.Read(ref other));
        Assert.Equal(calls.Count, Interlocked.Read(ref answered) + Interlocked.Read(ref failed));
        Assert.True(Interlocked.Read(ref answered) > 0);

        // No stall while the load lasted: every whole second of it had answers.
        var seconds = (int)clock.Elapsed.TotalSeconds;
        Assert.All(perSecond[..Math.Min(seconds, 8)], n => Assert.True(n > 0, $"a second without answers: {string.Join(' ', perSecond)}"));

        // Once the offered load stops, the same client's connections answer again: a read, a validation and a
        // registration each succeed within a few attempts (each attempt has the short time-out).
        await RetryAsync(() => client.FetchSchemaAsync(readId, Ct).AsTask());
        await RetryAsync(() => client.ValidateAsync(validateId, document, cancellationToken: Ct).AsTask());
        await RetryAsync(() => client.RegisterAsync("overload.0", Version(-1), Ct).AsTask());
    }

    /// <summary>A version of 200 properties, each compared with those of every earlier version.</summary>
    private static string Version(long n)
    {
        var text = new StringBuilder();
        text.Append("{\"type\":\"object\",\"description\":\"write ").Append(n).Append("\",\"properties\":{");
        for (var p = 0; p < 200; p++)
        {
            text.Append(p == 0 ? "" : ",").Append("\"p").Append(p).Append("\":{\"type\":\"string\",\"maxLength\":").Append(p + 1).Append('}');
        }

        return text.Append("}}").ToString();
    }

    private static async Task RetryAsync<T>(Func<Task<T>> call)
    {
        var until = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await call();
                return;
            }
            catch (TimeoutException) when (until.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100, Ct);
            }
        }
    }
}
