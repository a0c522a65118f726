using System.Diagnostics;

namespace Registry.Engine.Services;

/// <summary>
/// The registry's <see cref="ActivitySource"/>: one span per binary request (started by the server), and child spans for
/// the engine's costly steps (compile, validate, compatibility) and for each call to a storage tier. With no listener
/// attached (no tracing exporter configured) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns
/// null after one check, so nothing is recorded and nothing allocated.
/// </summary>
public static class EngineTracing
{
    /// <summary>Name of the source, to subscribe to (<c>AddSource("Registry")</c>).</summary>
    public const string SourceName = "Registry";

    /// <summary>The source every registry span comes from.</summary>
    public static ActivitySource Source { get; } = new(SourceName, typeof(EngineTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts an internal span named <paramref name="name"/> under the current one; null when nobody listens.</summary>
    public static Activity? Start(string name) => Source.HasListeners() ? Source.StartActivity(name, ActivityKind.Internal) : null;

    /// <summary>Marks <paramref name="activity"/> failed with a short description (never exception text).</summary>
    public static void Fail(Activity? activity, string description) => activity?.SetStatus(ActivityStatusCode.Error, description);
}
