namespace Registry.Engine.Model;

/// <summary>
/// Where a version is in its life. Allowed transitions: DRAFT → ACTIVE → DEPRECATED → ARCHIVED and
/// DEPRECATED → ACTIVE; deletion (soft, then hard) is separate and allowed from any state.
/// Values are stored: append, never renumber.
/// </summary>
public enum LifecycleState
{
    /// <summary>Registered but not yet in use; validation works.</summary>
    Draft = 0,

    /// <summary>In use.</summary>
    Active = 1,

    /// <summary>Still usable; validation succeeds with a deprecation warning.</summary>
    Deprecated = 2,

    /// <summary>Retired: readable, but validation against it is refused.</summary>
    Archived = 3,
}

/// <summary>The lifecycle rules in one place.</summary>
public static class Lifecycle
{
    /// <summary>
    /// True when a version in <paramref name="from"/> may move to <paramref name="to"/>. Staying in the same state
    /// is allowed (an idempotent request, e.g. a retried deprecation).
    /// </summary>
    public static bool CanTransition(LifecycleState from, LifecycleState to) => (from, to) switch
    {
        _ when from == to => true,
        (LifecycleState.Draft, LifecycleState.Active) => true,
        (LifecycleState.Active, LifecycleState.Deprecated) => true,
        (LifecycleState.Deprecated, LifecycleState.Archived) => true,
        (LifecycleState.Deprecated, LifecycleState.Active) => true,
        _ => false,
    };

    /// <summary>
    /// True for a released state, ACTIVE or DEPRECATED: what <c>latest</c> may resolve to. A DRAFT is not released yet
    /// and an ARCHIVED version no longer is; both stay reachable by number.
    /// </summary>
    public static bool IsReleased(LifecycleState state) => state is LifecycleState.Active or LifecycleState.Deprecated;

    /// <summary>The upper-case name used on the wire (<c>DRAFT</c>, <c>ACTIVE</c>, ...).</summary>
    public static string Name(LifecycleState state) => state switch
    {
        LifecycleState.Draft => "DRAFT",
        LifecycleState.Active => "ACTIVE",
        LifecycleState.Deprecated => "DEPRECATED",
        LifecycleState.Archived => "ARCHIVED",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>Parses a wire name, case-insensitively.</summary>
    public static bool TryParse(string? value, out LifecycleState state)
    {
        for (var s = LifecycleState.Draft; s <= LifecycleState.Archived; s++)
        {
            if (string.Equals(value, Name(s), StringComparison.OrdinalIgnoreCase))
            {
                state = s;
                return true;
            }
        }

        state = default;
        return false;
    }
}
