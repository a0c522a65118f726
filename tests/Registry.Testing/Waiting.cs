using System.Diagnostics;

namespace Registry.Testing;

/// <summary>
/// Waiting for a condition in tests, in one place: polls until it holds or a generous deadline passes (then throws
/// <see cref="TimeoutException"/> naming what was awaited), so no test sleeps a fixed time and hopes.
/// </summary>
public static class Waiting
{
    /// <summary>The default deadline: generous, for a loaded 2-core CI machine.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> (default 20 ms) until it holds.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken, TimeSpan? timeout = null, TimeSpan? interval = null)
        => UntilAsync(() => Task.FromResult(condition()), what, cancellationToken, timeout, interval);

    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> (default 20 ms) until it holds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{what}: not within {limit.TotalSeconds:0.#} s");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <summary>
    /// Waits until a server process answers <c>GET /health</c> with a success status (default deadline 60 s); fails at
    /// once when the process exits first.
    /// </summary>
    public static Task ForHealthAsync(HttpClient http, Process process, CancellationToken cancellationToken, TimeSpan? timeout = null)
        => UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the server exited (code {process.ExitCode}) before it answered /health");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the server answering /health", cancellationToken, timeout ?? TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
}
