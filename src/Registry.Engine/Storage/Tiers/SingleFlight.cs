using System.Collections.Concurrent;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// Concurrent misses for one key share one load. A load belongs to the generation of the key when it started: a
/// caller that arrives after an invalidation (a newer generation) starts its own load instead of joining one that
/// may return what was just invalidated. The shared load runs without any caller's cancellation token (one caller
/// giving up must not fail the others); each caller stops waiting on its own token.
/// </summary>
public sealed class SingleFlight<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Flight> _flights;

    /// <summary>Creates an empty set of flights.</summary>
    public SingleFlight(IEqualityComparer<TKey>? comparer = null) => _flights = new ConcurrentDictionary<TKey, Flight>(comparer);

    /// <summary>Loads currently in flight.</summary>
    public int InFlight => _flights.Count;

    /// <summary>Joins the load of <paramref name="key"/> at <paramref name="generation"/>, or starts it.</summary>
    public Task<TValue> RunAsync<TState>(TKey key, long generation, Func<TKey, TState, Task<TValue>> load, TState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        while (true)
        {
            if (_flights.TryGetValue(key, out var current) && current.Generation >= generation)
            {
                return current.Task.WaitAsync(cancellationToken);
            }

            var mine = new Flight(generation);
            var claimed = current is null ? _flights.TryAdd(key, mine) : _flights.TryUpdate(key, mine, current);
            if (!claimed)
            {
                continue;
            }

            mine.Start(this, key, load, state);
            return mine.Task.WaitAsync(cancellationToken);
        }
    }

    private sealed class Flight(long generation)
    {
        private readonly TaskCompletionSource<TValue> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Generation { get; } = generation;

        public Task<TValue> Task => _completion.Task;

        public void Start<TState>(SingleFlight<TKey, TValue> owner, TKey key, Func<TKey, TState, Task<TValue>> load, TState state) =>
            _ = RunAsync(owner, key, load, state);

        private async Task RunAsync<TState>(SingleFlight<TKey, TValue> owner, TKey key, Func<TKey, TState, Task<TValue>> load, TState state)
        {
            try
            {
                var value = await load(key, state).ConfigureAwait(false);
                owner._flights.TryRemove(new KeyValuePair<TKey, Flight>(key, this));
                _completion.TrySetResult(value);
            }
            catch (Exception e)
            {
                owner._flights.TryRemove(new KeyValuePair<TKey, Flight>(key, this));
                _completion.TrySetException(e);
            }
        }
    }
}
