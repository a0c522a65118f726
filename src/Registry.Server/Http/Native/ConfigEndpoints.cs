using Registry.Engine.Services;
using Registry.Server.Hosting;

namespace Registry.Server.Http.Native;

/// <summary>Compatibility level, policy and mode: registry-wide and per subject.</summary>
internal static class ConfigEndpoints
{
    public static void MapConfigEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/config", GetGlobal)
            .WithName("GetGlobalConfig").WithSummary("The registry-wide compatibility level, policy and mode in force.")
            .Produces<ConfigModel>().Query();
        api.MapPut("/config", SetGlobal)
            .WithName("SetGlobalConfig").WithSummary("Sets the registry-wide compatibility level and/or policy.")
            .JsonBody<ConfigRequest>().Produces<ConfigModel>().ProducesErrors(400, 415).Query();
        api.MapGet("/config/{subject}", GetSubject)
            .WithName("GetSubjectConfig").WithSummary("What a subject sets itself, and what is in force for it.")
            .Produces<SubjectConfigResponse>().ProducesErrors(400).Query();
        api.MapPut("/config/{subject}", SetSubject)
            .WithName("SetSubjectConfig").WithSummary("Sets a subject's compatibility level, policy and/or format assertion (whether validation against its versions asserts format).")
            .JsonBody<ConfigRequest>().Produces<SubjectConfigResponse>().ProducesErrors(400, 415).Query();
        api.MapDelete("/config/{subject}", ClearSubject)
            .WithName("ClearSubjectConfig").WithSummary("Removes a subject's level, policy and format assertion: it follows the registry's again.")
            .Produces<SubjectConfigResponse>().ProducesErrors(400).Query();

        api.MapGet("/mode", GetGlobalMode)
            .WithName("GetGlobalMode").WithSummary("The registry-wide mode.").Produces<ModeResponse>().Query();
        api.MapPut("/mode", SetGlobalMode)
            .WithName("SetGlobalMode").WithSummary("Sets the registry-wide mode; IMPORT on a non-empty registry needs force=true.")
            .JsonBody<ModeRequest>().Produces<ModeResponse>().ProducesErrors(400, 415, 422)
            .Query("force");
        api.MapGet("/mode/{subject}", GetSubjectMode)
            .WithName("GetSubjectMode").WithSummary("The mode in force for a subject.").Produces<ModeResponse>().ProducesErrors(400).Query();
        api.MapPut("/mode/{subject}", SetSubjectMode)
            .WithName("SetSubjectMode").WithSummary("Sets a subject's mode; IMPORT on a subject with versions needs force=true.")
            .JsonBody<ModeRequest>().Produces<ModeResponse>().ProducesErrors(400, 415, 422)
            .Query("force");
        api.MapDelete("/mode/{subject}", ClearSubjectMode)
            .WithName("ClearSubjectMode").WithSummary("Removes a subject's mode: it follows the registry's again.")
            .Produces<ModeResponse>().ProducesErrors(400).Query();
    }

    private static async Task<IResult> GetGlobal(SchemaRegistry registry, CancellationToken ct) =>
        TypedResults.Json(NativeMapping.Config(await registry.GetEffectiveConfigAsync(null, ct).ConfigureAwait(false), registry.Options.DefaultDraft), NativeJsonContext.Wire.ConfigModel);

    private static async Task<IResult> SetGlobal(HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.Config, NativeJsonContext.Wire.ConfigRequest, ct).ConfigureAwait(false);
        RequireSetting(model, "'compatibility' or 'policy'");
        await registry.SetCompatibilityAsync(null, NativeMapping.Level(model.Compatibility), NativeMapping.Policy(model.Policy), model.FormatAssertion, NativeMapping.Draft(model.DefaultDraft), ct).ConfigureAwait(false);
        return await GetGlobal(registry, ct).ConfigureAwait(false);
    }

    private static async Task<IResult> GetSubject(string subject, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var stored = await registry.GetConfigAsync(subject, ct).ConfigureAwait(false);
        var effective = await registry.GetEffectiveConfigAsync(subject, ct).ConfigureAwait(false);
        return TypedResults.Json(
            new SubjectConfigResponse(subject, NativeMapping.Config(stored), NativeMapping.Config(effective, registry.Options.DefaultDraft)),
            NativeJsonContext.Wire.SubjectConfigResponse);
    }

    private static async Task<IResult> SetSubject(string subject, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.Config, NativeJsonContext.Wire.ConfigRequest, ct).ConfigureAwait(false);
        RequireSetting(model, "'compatibility', 'policy', 'format_assertion' or 'default_draft'");
        await registry.SetCompatibilityAsync(subject, NativeMapping.Level(model.Compatibility), NativeMapping.Policy(model.Policy), model.FormatAssertion, NativeMapping.Draft(model.DefaultDraft), ct).ConfigureAwait(false);
        return await GetSubject(subject, registry, ct).ConfigureAwait(false);
    }

    private static async Task<IResult> ClearSubject(string subject, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        await registry.ClearCompatibilityAsync(subject, ct).ConfigureAwait(false);
        return await GetSubject(subject, registry, ct).ConfigureAwait(false);
    }

    /// <summary>A body that sets nothing is refused naming the fields it may carry (the engine refuses it too, without wire names).</summary>
    private static void RequireSetting(ConfigRequest model, string fields)
    {
        if (model.Compatibility is null && model.Policy is null && model.FormatAssertion is null && model.DefaultDraft is null)
        {
            // invalid_request, the code the engine gives the same refusal on every API; here worded with the body's field names.
            throw new HttpApiException(StatusCodes.Status400BadRequest, "invalid_request", $"The body sets nothing; give {fields}.");
        }
    }

    private static async Task<IResult> GetGlobalMode(SchemaRegistry registry, CancellationToken ct) =>
        Mode((await registry.GetEffectiveConfigAsync(null, ct).ConfigureAwait(false)).Mode);

    private static async Task<IResult> SetGlobalMode(string? force, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.Mode, NativeJsonContext.Wire.ModeRequest, ct).ConfigureAwait(false);
        return Mode(await registry.SetModeAsync(null, NativeMapping.Mode(model.Mode), QueryValues.Flag(force, "force"), ct).ConfigureAwait(false));
    }

    private static async Task<IResult> GetSubjectMode(string subject, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        return Mode((await registry.GetEffectiveConfigAsync(subject, ct).ConfigureAwait(false)).Mode);
    }

    private static async Task<IResult> SetSubjectMode(string subject, string? force, HttpRequest request, SchemaRegistry registry, ServerOptions options, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        var model = await RequestBody.ReadModelAsync(request, options.HttpApi.MaxRequestBodyBytes, NativeBodies.Mode, NativeJsonContext.Wire.ModeRequest, ct).ConfigureAwait(false);
        return Mode(await registry.SetModeAsync(subject, NativeMapping.Mode(model.Mode), QueryValues.Flag(force, "force"), ct).ConfigureAwait(false));
    }

    private static async Task<IResult> ClearSubjectMode(string subject, SchemaRegistry registry, CancellationToken ct)
    {
        subject = SubjectPath.Decode(subject);
        await registry.ClearModeAsync(subject, ct).ConfigureAwait(false);
        return await GetSubjectMode(subject, registry, ct).ConfigureAwait(false);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ModeResponse> Mode(Registry.Engine.Model.RegistryMode mode) =>
        TypedResults.Json(new ModeResponse(Registry.Engine.Model.ConfigNames.Mode(mode)), NativeJsonContext.Wire.ModeResponse);
}
