using Registry.Engine.Services;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// Loads the most used schemas into memory at start-up, compiled, so the first requests after a deployment do not all
/// miss: the ids come from the system of record (<see cref="IWarmupSource"/>), most used first, and a few workers load
/// them through the engine (and so through every tier) until the list or the time budget is exhausted.
/// </summary>
public static class CacheWarmup
{
    private const int Workers = 4;

    /// <summary>Warms up to <paramref name="limit"/> schemas within <paramref name="budget"/>; returns how many were loaded.</summary>
    public static async Task<int> RunAsync(SchemaRegistry registry, IWarmupSource source, int limit, TimeSpan budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(source);
        limit = Math.Min(limit, registry.Options.SchemaCacheCapacity);
        if (limit <= 0 || budget <= TimeSpan.Zero)
        {
            return 0;
        }

        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        var warmed = 0;
        Task all = Task.CompletedTask;
        try
        {
            var ids = await source.GetWarmupSchemaIdsAsync(limit, deadline.Token).ConfigureAwait(false);
            var next = -1;
            var workers = new Task[Workers];
            for (var w = 0; w < workers.Length; w++)
            {
                workers[w] = Task.Run(async () =>
                {
                    for (var i = Interlocked.Increment(ref next); i < ids.Count && !deadline.IsCancellationRequested; i = Interlocked.Increment(ref next))
                    {
                        try
                        {
                            await registry.GetValidatorAsync(ids[i], deadline.Token).ConfigureAwait(false);
                            Interlocked.Increment(ref warmed);
                        }
                        catch (RegistryException)
                        {
                            // Archived, deleted meanwhile, or the store hiccuped: warming is best effort.
                        }
                    }
                }, deadline.Token);
            }

            // A compile cannot be interrupted: at the deadline, stop waiting (the workers take no further id and end
            // with the compile in hand) rather than let one slow schema hold the listeners closed.
            all = Task.WhenAll(workers);
            await all.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The time budget is spent: start with what is warm.
        }
        catch (RegistryException)
        {
            // The ranking query failed: start cold.
        }
        finally
        {
            // The workers may still be running: dispose the deadline once they are done.
            _ = all.ContinueWith(static (_, cts) => ((CancellationTokenSource)cts!).Dispose(), deadline, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return Volatile.Read(ref warmed);
    }
}
