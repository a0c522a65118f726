using Registry.Schemas;
using Registry.Schemas.Output;
using Registry.Schemas.Profiles;

namespace Registry.Engine.Services;

/// <summary>
/// Checks a model's raw output against a schema id or a version: extraction, listed repairs, truncation, validation
/// and feedback (<see cref="ModelOutputChecker"/>), with the target rules of every validation (ARCHIVED refused,
/// DEPRECATED with a warning), the engine's size and error limits in place of the caller's, and one slot of the work
/// gate. Streaming sessions are started here so that they follow the same rules.
/// </summary>
internal sealed class ModelOutputService(RegistryContext context, ValidationService validation)
{
    private const int MaxMappers = 1024;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long, string), ProfileOutputMapper> _mappers = new();

    public async Task<OutputCheck> CheckAsync(
        ValidationTarget target, ReadOnlyMemory<byte> output, ModelOutputOptions? options, string? profileName, CancellationToken cancellationToken)
    {
        CheckSize(output.Length);
        var profile = string.IsNullOrEmpty(profileName) ? null : ProfileService.Resolve(profileName);
        var (lease, subject, version) = await validation.ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        var bounded = Bounded(options ?? ModelOutputOptions.Default);
        if (profile is not null)
        {
            bounded = bounded with { ProfileMapper = await MapperAsync(lease.SchemaId, profile, cancellationToken).ConfigureAwait(false) };
        }

        using var slot = await context.Work.EnterAsync(cancellationToken).ConfigureAwait(false);
        var result = ModelOutputChecker.Check(output.Span, lease.Schema, bounded, cancellationToken);
        return new OutputCheck
        {
            SchemaId = lease.SchemaId,
            Subject = subject,
            Version = version,
            Warning = lease.Warning,
            Result = result,
        };
    }

    /// <summary>
    /// A streaming session; under a profile (<paramref name="profileName"/>) the same mapper as <see cref="CheckAsync"/>
    /// maps the completed document back to the schema's shape before it is validated.
    /// </summary>
    public async Task<OutputStream> StartStreamAsync(ValidationTarget target, bool skipSurroundingText, string? profileName, CancellationToken cancellationToken)
    {
        var profile = string.IsNullOrEmpty(profileName) ? null : ProfileService.Resolve(profileName);
        var (lease, subject, version) = await validation.ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        var mapper = profile is null ? null : await MapperAsync(lease.SchemaId, profile, cancellationToken).ConfigureAwait(false);
        var session = new StreamingValidationSession(lease.Schema, new StreamingOptions
        {
            MaxDocumentBytes = context.Options.MaxModelOutputBytes,
            MaxDepth = context.Options.Limits.MaxDepth,
            MaxViolations = context.Options.MaxValidationErrors,
            SkipSurroundingText = skipSurroundingText,
            ProfileMapper = mapper,
        });
        return new OutputStream
        {
            SchemaId = lease.SchemaId,
            Subject = subject,
            Version = version,
            Warning = lease.Warning,
            Session = session,
        };
    }

    /// <summary>
    /// The mapper from <paramref name="profile"/>'s shape back to the schema's, kept per schema id and profile (a
    /// schema's content never changes under its id). Built outside the work gate's slot like compilation.
    /// </summary>
    private async Task<ProfileOutputMapper> MapperAsync(long schemaId, Profile profile, CancellationToken cancellationToken)
    {
        var key = (schemaId, profile.Name);
        if (_mappers.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var entry = await context.GetSchemaAsync(schemaId, cancellationToken).ConfigureAwait(false);
        var resolver = await context.LoadReferencesAsync(entry.Record.References, requireLive: false, cancellationToken).ConfigureAwait(false);
        ProfileOutputMapper mapper;
        try
        {
            mapper = ProfileOutputMapper.Create(
                RegistryContext.DocumentSchemaOf(entry.Record), profile, resolver, new ProfileLintOptions { BaseUri = ReferenceResolver.BaseUri }, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            RegistryThrow.Error(RegistryErrorCode.TooComplex,
                $"The schema is too complex to map output of profile '{profile.Name}' back to its shape.");
            throw;
        }

        if (_mappers.Count >= MaxMappers)
        {
            _mappers.Clear(); // a crude bound: rebuilt on demand, and rare (one entry per schema and profile in use)
        }

        _mappers[key] = mapper;
        return mapper;
    }

    public void CheckSize(long bytes)
    {
        if (bytes > context.Options.MaxModelOutputBytes)
        {
            RegistryThrow.Error(RegistryErrorCode.TooLarge,
                $"A model output is at most {context.Options.MaxModelOutputBytes} bytes; this one has {bytes} or more.");
        }
    }

    /// <summary>The caller's choices (extract, repairs, partial, feedback) within the engine's limits.</summary>
    private ModelOutputOptions Bounded(ModelOutputOptions options) => options with
    {
        MaxOutputBytes = context.Options.MaxModelOutputBytes,
        MaxDepth = context.Options.Limits.MaxDepth,
        MaxWorkSteps = null,
        MaxCandidates = Math.Clamp(options.MaxCandidates, 1, ModelOutputOptions.Default.MaxCandidates),
        MaxErrors = Math.Clamp(options.MaxErrors, 1, context.Options.MaxValidationErrors),
        MaxEchoBytes = Math.Clamp(options.MaxEchoBytes, 0, ModelOutputOptions.Default.MaxEchoBytes),
    };
}

/// <summary>The answer to a model-output check: against which schema, any deprecation warning, and the result.</summary>
public sealed record OutputCheck
{
    /// <summary>The schema id checked against.</summary>
    public required long SchemaId { get; init; }

    /// <summary>The subject, when checked by subject.</summary>
    public string? Subject { get; init; }

    /// <summary>The version, when checked by subject.</summary>
    public int? Version { get; init; }

    /// <summary>Set when the version (or every version of the id) is DEPRECATED.</summary>
    public string? Warning { get; init; }

    /// <summary>Extraction, repairs, truncation, validation and feedback.</summary>
    public required ModelOutputResult Result { get; init; }
}

/// <summary>A streaming validation session started against a schema id or a version.</summary>
public sealed record OutputStream
{
    /// <summary>The schema id validated against.</summary>
    public required long SchemaId { get; init; }

    /// <summary>The subject, when started by subject.</summary>
    public string? Subject { get; init; }

    /// <summary>The version, when started by subject.</summary>
    public int? Version { get; init; }

    /// <summary>Set when the version (or every version of the id) is DEPRECATED.</summary>
    public string? Warning { get; init; }

    /// <summary>The session to feed, bounded by the engine's output size, depth and error limits.</summary>
    public required StreamingValidationSession Session { get; init; }
}
