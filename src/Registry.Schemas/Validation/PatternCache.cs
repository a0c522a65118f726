using Registry.Schemas.Validation.Patterns;

namespace Registry.Schemas.Validation;

/// <summary>
/// The process-wide cache of compiled regular expressions (<c>pattern</c>, <c>patternProperties</c>). Every schema using
/// the same pattern shares one automaton; each automaton is charged the bytes it holds (what building it allocated, plus
/// what its matches allocated since, as the linear-time engine adds states lazily), and the cache lets go of the least
/// recently used automata beyond <see cref="MaxBytes"/>. Schemas hold automata only weakly, so what the cache lets go
/// of is collected, and a schema rebuilds its automaton on next use.
/// </summary>
public static class PatternCache
{
    /// <summary>The default of <see cref="MaxBytes"/>: 256 MiB.</summary>
    public const long DefaultMaxBytes = PatternAutomatonCache.DefaultMaxBytes;

    /// <summary>Most bytes the cached automata may hold together; keep it well above <see cref="SchemaLimits.MaxPatternAutomatonBytes"/>.</summary>
    public static long MaxBytes
    {
        get => PatternAutomatonCache.Shared.MaxBytes;
        set => PatternAutomatonCache.Shared.MaxBytes = value;
    }

    /// <summary>Bytes charged to the cached automata now.</summary>
    public static long Bytes => PatternAutomatonCache.Shared.Bytes;

    /// <summary>Automata cached now.</summary>
    public static int Count => PatternAutomatonCache.Shared.Count;
}
