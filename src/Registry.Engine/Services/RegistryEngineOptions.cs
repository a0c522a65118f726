using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>Tuning and limits of the engine (<c>Registry:Engine:...</c> in the server).</summary>
public sealed class RegistryEngineOptions
{
    /// <summary>Schemas (bytes and compiled validators) kept in memory, by id.</summary>
    public int SchemaCacheCapacity { get; set; } = 10_000;

    /// <summary>Most bytes the schemas kept in memory may weigh (see <see cref="Storage.Memory.CachedSchema.Weight"/>).</summary>
    public long SchemaCacheMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// How long the lifecycle states behind a schema id are trusted before validation by id re-reads them. Local
    /// writes invalidate at once; this bounds staleness from writes by other processes when no invalidation reaches
    /// this one.
    /// </summary>
    public TimeSpan UsageRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts at a write that keeps losing the subject revision race to other writers.</summary>
    public int MaxWriteAttempts { get; set; } = 200;

    /// <summary>Most schemas a registration may reference, transitively.</summary>
    public int MaxReferences { get; set; } = 256;

    /// <summary>Most documents in one batch validation.</summary>
    public int MaxBatchDocuments { get; set; } = 1_000;

    /// <summary>Most errors reported for one invalid document.</summary>
    public int MaxValidationErrors { get; set; } = 100;

    /// <summary>Largest model output checked by <see cref="SchemaRegistry.CheckOutputAsync(ValidationTarget, ReadOnlyMemory{byte}, Registry.Schemas.Output.ModelOutputOptions, string, CancellationToken)"/> or streamed, in bytes.</summary>
    public int MaxModelOutputBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Expensive operations (schema compilation, compatibility checks, validation) that may run at once; more wait in
    /// line (see <see cref="WorkGate"/>). 0 means one per processor.
    /// </summary>
    public int MaxConcurrentExpensiveOperations { get; set; }

    /// <summary>Expensive operations that may wait for a slot; one more is refused with <see cref="RegistryErrorCode.Overloaded"/>.</summary>
    public int MaxQueuedExpensiveOperations { get; set; } = 4_096;

    /// <summary>Most names one listing returns.</summary>
    public int MaxListLimit { get; set; } = 10_000;

    /// <summary>
    /// Size and depth limits for schemas and documents, and (<see cref="SchemaLimits.Work"/>) the budget of work of one
    /// request: what compiling, validating and comparing for it may spend in all before it ends with
    /// <see cref="RegistryErrorCode.TooComplex"/>.
    /// </summary>
    public SchemaLimits Limits { get; set; } = SchemaLimits.Default;

    /// <summary>When true, <c>format</c> is asserted during validation.</summary>
    public bool FormatAssertion { get; set; }

    /// <summary>
    /// The draft a new schema is read in when it names no <c>$schema</c> and neither its subject nor the API sets one
    /// (<see cref="SchemaRegistration.DefaultDraft"/>: the Confluent API asks for draft-07). Recorded with each schema registered
    /// (<see cref="Model.SchemaRecord.DefaultDraft"/>), so changing it later does not change what earlier schemas mean.
    /// </summary>
    public JsonSchemaDraft DefaultDraft { get; set; } = JsonSchemaDraft.Draft202012;

    /// <summary>The compatibility level when neither the subject nor the registry sets one.</summary>
    public CompatibilityLevel DefaultCompatibility { get; set; } = CompatibilityLevel.Backward;

    /// <summary>The compatibility policy when neither the subject nor the registry sets one.</summary>
    public CompatibilityPolicy DefaultPolicy { get; set; } = CompatibilityPolicy.Strict;

    /// <summary>
    /// Queue writes to the same subject inside this process, so local writers do not race each other for the revision.
    /// Only an optimisation: the store's revision check stays the guarantee, across processes too.
    /// </summary>
    public bool SerializeLocalWrites { get; set; } = true;
}
