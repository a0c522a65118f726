using System.Text;
using Registry.Client;
using Registry.Protocol;
using Registry.Protocol.Messages;

namespace Registry.Server.Tests.CrossApi;

/// <summary>The binary protocol through <see cref="RegistryClient"/> over a socket. Refusals are protocol status names.</summary>
public sealed class BinaryDriver(RegistryClient client) : ApiDriver
{
    public override string Name => "binary";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public override string CodeFor(Outcome outcome) => outcome switch
    {
        Outcome.Ok => Answer.OkCode,
        Outcome.SubjectNotFound => StatusName(StatusCode.SubjectNotFound),
        Outcome.VersionNotFound => StatusName(StatusCode.VersionNotFound),
        Outcome.Incompatible => StatusName(StatusCode.Incompatible),
        Outcome.ModeForbids => StatusName(StatusCode.ModeForbids),
        Outcome.IdConflict => StatusName(StatusCode.Conflict),
        Outcome.IllegalTransition => StatusName(StatusCode.IllegalTransition),
        Outcome.ReferenceExists => StatusName(StatusCode.StillReferenced),
        Outcome.VersionArchived => StatusName(StatusCode.VersionArchived),
        Outcome.InvalidRequest => StatusName(StatusCode.BadRequest),
        Outcome.TooComplex => StatusName(StatusCode.TooComplex),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    public override Task<Answer> RegisterAsync(string subject, string schema, Reference[]? references = null, int? id = null, int? version = null) =>
        Call(async () =>
        {
            var registered = await client.RegisterAsync(new RegisterRequest
            {
                Subject = subject,
                Schema = Encoding.UTF8.GetBytes(schema),
                References = references is null ? [] : [.. references.Select(r => new SchemaReference(r.Name, r.Subject, r.Version))],
                ImportSchemaId = id,
                ImportVersion = version,
            }, Ct);
            return Answer.Ok(registered.SchemaId, registered.Version);
        });

    public override Task<Answer> GetVersionAsync(string subject, int version) =>
        Call(async () =>
        {
            var found = await client.GetVersionAsync(subject, version, cancellationToken: Ct);
            return Answer.Ok(found.Info.SchemaId, found.Info.Version);
        });

    public override Task<Answer> DeleteVersionAsync(string subject, int version, bool permanent = false) =>
        Call(async () =>
        {
            await client.DeleteAsync(subject, version, permanent, Ct);
            return Answer.Ok();
        });

    public override Task<Answer> SetModeAsync(string? subject, string mode) =>
        Call(async () =>
        {
            await client.SetConfigAsync(new SetConfigRequest { Subject = subject, Mode = Enum.Parse<RegistryMode>(mode, ignoreCase: true) }, Ct);
            return Answer.Ok();
        });

    public override Task<Answer> SetLevelAsync(string? subject, string level) =>
        Call(async () =>
        {
            await client.SetConfigAsync(new SetConfigRequest { Subject = subject, Level = Enum.Parse<CompatibilityLevel>(level.Replace("_", "", StringComparison.Ordinal), ignoreCase: true) }, Ct);
            return Answer.Ok();
        });

    public override Task<Answer> ChangeStateAsync(string subject, int version, string state) =>
        Call(async () =>
        {
            var info = await client.UpdateVersionAsync(new UpdateVersionRequest { Subject = subject, Version = version, State = Enum.Parse<LifecycleState>(state, ignoreCase: true) }, Ct);
            return Answer.Ok(info.SchemaId, info.Version);
        });

    public override Task<Answer> ValidateAsync(string subject, int version, string document) =>
        Call(async () =>
        {
            var report = await client.ValidateAsync(subject, version, Encoding.UTF8.GetBytes(document), cancellationToken: Ct);
            return Answer.Ok(report.SchemaId, valid: report.IsValid, warned: report.Warnings.Count > 0);
        });

    public override Task<Answer> ValidateByIdAsync(long schemaId, string document) =>
        Call(async () =>
        {
            var report = await client.ValidateAsync(checked((int)schemaId), Encoding.UTF8.GetBytes(document), cancellationToken: Ct);
            return Answer.Ok(report.SchemaId, valid: report.IsValid, warned: report.Warnings.Count > 0);
        });

    public override ValueTask DisposeAsync() => client.DisposeAsync();

    private static string StatusName(StatusCode status) => ProtocolStatus.GetName(status);

    private static async Task<Answer> Call(Func<Task<Answer>> call)
    {
        try
        {
            return await call();
        }
        catch (RegistryRequestException e) when (e is not RegistryConnectionException)
        {
            return new Answer(StatusName(e.Status));
        }
    }
}
