using BitFaster.Caching.Lru;
using Registry.Engine.Model;
using Registry.Schemas;
using Registry.Schemas.Artifacts;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services;

/// <summary>
/// Rendering registered PROMPT versions: the prompt read once per schema id (its template parsed, its variables schema
/// compiled against the version's references) and kept; each render validates the variables and writes the text under
/// the request's budget of work.
/// </summary>
internal sealed class PromptService(RegistryContext context)
{
    private readonly ConcurrentLru<long, PromptArtifact> _prompts = new(256);

    /// <summary>
    /// Renders <paramref name="found"/> (a PROMPT version) with <paramref name="variables"/> (UTF-8 JSON). A version of
    /// another type is <see cref="RegistryErrorCode.SchemaTypeMismatch"/>; refused variables are
    /// <see cref="RegistryErrorCode.InvalidVariables"/> with one error per problem; too much work is <see cref="RegistryErrorCode.TooComplex"/>.
    /// </summary>
    public async Task<string> RenderAsync(SubjectVersion found, ReadOnlyMemory<byte> variables, CancellationToken cancellationToken)
    {
        var schema = found.Schema;
        if (!string.Equals(schema.SchemaType, PromptArtifactType.TypeName, StringComparison.Ordinal))
        {
            RegistryThrow.Error(RegistryErrorCode.SchemaTypeMismatch,
                $"Version {found.Info.Version} of subject '{found.Info.Subject}' is {RegistryContext.Article(schema.SchemaType)} {schema.SchemaType} version, not a PROMPT: only PROMPT versions render.");
        }

        var prompt = await GetAsync(schema, cancellationToken).ConfigureAwait(false);
        try
        {
            return prompt.Render(variables.Span, context.NewBudget(cancellationToken));
        }
        catch (PromptVariablesException e)
        {
            var errors = new List<SchemaCompilationError>(e.Problems.Count);
            foreach (var problem in e.Problems)
            {
                errors.Add(new SchemaCompilationError(problem.Pointer, problem.Message));
            }

            throw new RegistryException(
                RegistryErrorCode.InvalidVariables,
                $"The variables do not fit the prompt: {errors.Count} problem(s). First: {errors[0].SchemaLocation}: {errors[0].Message}",
                null,
                errors);
        }
        catch (TooComplexException e)
        {
            RegistryThrow.TooComplex(e);
            throw; // unreachable: TooComplex never returns
        }
    }

    private async ValueTask<PromptArtifact> GetAsync(SchemaRecord schema, CancellationToken cancellationToken)
    {
        if (_prompts.TryGet(schema.Id, out var cached))
        {
            return cached;
        }

        var resolver = await context.LoadReferencesAsync(schema.References, requireLive: false, cancellationToken).ConfigureAwait(false);
        PromptArtifact prompt;
        try
        {
            prompt = PromptArtifact.Parse(schema.Content, context.CompilerOptions(resolver), context.NewBudget(cancellationToken));
        }
        catch (TooComplexException e)
        {
            RegistryThrow.TooComplex(e);
            throw; // unreachable: TooComplex never returns
        }

        return _prompts.GetOrAdd(schema.Id, _ => prompt);
    }
}
