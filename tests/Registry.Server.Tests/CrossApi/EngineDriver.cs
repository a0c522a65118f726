using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Registry.Engine;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Schemas.Compatibility;

namespace Registry.Server.Tests.CrossApi;

/// <summary>
/// The engine of the server under test, called directly: what an API driver falls back to for an operation that API
/// does not offer (the Confluent API has no lifecycle states and no validation), so that the rest of a scenario still
/// runs through that API.
/// </summary>
public sealed class EngineDriver(SchemaRegistry registry) : ApiDriver
{
    public EngineDriver(InProcessServer server)
        : this(server.Services.GetRequiredService<SchemaRegistry>())
    {
    }

    public override string Name => "engine";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public override string CodeFor(Outcome outcome) => outcome switch
    {
        Outcome.Ok => Answer.OkCode,
        Outcome.SubjectNotFound => nameof(RegistryErrorCode.SubjectNotFound),
        Outcome.VersionNotFound => nameof(RegistryErrorCode.VersionNotFound),
        Outcome.Incompatible => nameof(RegistryErrorCode.Incompatible),
        Outcome.ModeForbids => nameof(RegistryErrorCode.OperationNotPermitted),
        Outcome.IdConflict => nameof(RegistryErrorCode.IdConflict),
        Outcome.IllegalTransition => nameof(RegistryErrorCode.IllegalTransition),
        Outcome.ReferenceExists => nameof(RegistryErrorCode.ReferenceExists),
        Outcome.VersionArchived => nameof(RegistryErrorCode.VersionArchived),
        Outcome.InvalidRequest => nameof(RegistryErrorCode.InvalidRequest),
        Outcome.TooComplex => nameof(RegistryErrorCode.TooComplex),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public override Task<Answer> RegisterAsync(string subject, string schema, Reference[]? references = null, int? id = null, int? version = null) =>
        Call(async () =>
        {
            var result = await registry.RegisterAsync(new SchemaRegistration
            {
                Subject = subject,
                Schema = Encoding.UTF8.GetBytes(schema),
                References = references is null ? [] : [.. references.Select(r => new SchemaReference(r.Name, r.Subject, r.Version))],
                Id = id,
                Version = version,
            }, Ct);
            return Answer.Ok(result.SchemaId, result.Version);
        });

    public override Task<Answer> GetVersionAsync(string subject, int version) =>
        Call(async () =>
        {
            var found = await registry.GetVersionAsync(subject, Selector(version), cancellationToken: Ct);
            return Answer.Ok(found.SchemaId, found.Version);
        });

    public override Task<Answer> DeleteVersionAsync(string subject, int version, bool permanent = false) =>
        Call(async () =>
        {
            await registry.DeleteVersionAsync(subject, Selector(version), permanent, Ct);
            return Answer.Ok();
        });

    public override Task<Answer> SetModeAsync(string? subject, string mode) =>
        Call(async () =>
        {
            Assert.True(ConfigNames.TryParseMode(mode, out var parsed));
            await registry.SetModeAsync(subject, parsed, cancellationToken: Ct);
            return Answer.Ok();
        });

    public override Task<Answer> SetLevelAsync(string? subject, string level) =>
        Call(async () =>
        {
            Assert.True(ConfigNames.TryParseLevel(level, out CompatibilityLevel parsed));
            await registry.SetCompatibilityAsync(subject, parsed, cancellationToken: Ct);
            return Answer.Ok();
        });

    public override Task<Answer> ChangeStateAsync(string subject, int version, string state) =>
        Call(async () =>
        {
            Assert.True(Lifecycle.TryParse(state, out var parsed));
            var changed = await registry.ChangeStateAsync(subject, Selector(version), parsed, cancellationToken: Ct);
            return Answer.Ok(changed.SchemaId, changed.Version);
        });

    public override Task<Answer> ValidateAsync(string subject, int version, string document) =>
        Validate(ValidationTarget.ByVersion(subject, Selector(version)), document);

    public override Task<Answer> ValidateByIdAsync(long schemaId, string document) =>
        Validate(ValidationTarget.ById(schemaId), document);

    private Task<Answer> Validate(ValidationTarget target, string document) =>
        Call(async () =>
        {
            var validation = await registry.ValidateAsync(target, Encoding.UTF8.GetBytes(document), Ct);
            return Answer.Ok(validation.SchemaId, validation.Version, validation.Results[0].IsValid, validation.Warning is not null);
        });

    private static async Task<Answer> Call(Func<Task<Answer>> call)
    {
        try
        {
            return await call();
        }
        catch (RegistryException e)
        {
            return new Answer(e.Code.ToString());
        }
    }

    /// <summary>-1 is 'latest', as in the binary protocol and Confluent's paths.</summary>
    private static VersionSelector Selector(int version) => version == -1 ? VersionSelector.Latest : VersionSelector.Of(version);
}
