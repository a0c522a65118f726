using Registry.Engine;
using Registry.Engine.Model;
using Registry.Engine.Services;

namespace Registry.Server.Confluent;

/// <summary>Compatibility checks that register nothing.</summary>
internal sealed partial class ConfluentHandlers
{
    /// <summary>Index of the subject in <c>/compatibility/subjects/{subject}/...</c>.</summary>
    private const int CompatibilitySubjectSegment = 2;

    /// <summary>
    /// <c>POST /compatibility/subjects/{subject}/versions/{version}?verbose=</c>: against that one version, in the
    /// direction of the subject's level. Against <c>latest</c> of a subject with no live version, anything is
    /// compatible; a missing numbered version is 40402 even when the subject does not exist, as in Confluent.
    /// </summary>
    public async Task CheckAgainstVersion(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, CompatibilitySubjectSegment);
        var version = VersionSelector.Parse(ConfluentHttp.Route(context, "version"));
        await CheckAsync(context, subject, version).ConfigureAwait(false);
    }

    /// <summary><c>POST /compatibility/subjects/{subject}/versions?verbose=</c>: against what the subject's level requires.</summary>
    public async Task CheckAgainstSubject(HttpContext context)
    {
        var subject = ConfluentHttp.ReadSubject(context, CompatibilitySubjectSegment);
        await CheckAsync(context, subject, null).ConfigureAwait(false);
    }

    private async Task CheckAsync(HttpContext context, string subject, VersionSelector? against)
    {
        var verbose = ConfluentHttp.Flag(context, "verbose");
        var request = await ConfluentHttp.ReadJsonAsync(context, MaxBodyBytes, ConfluentBodies.Schema, ConfluentJsonContext.Wire.ConfluentSchemaRequest).ConfigureAwait(false);
        var input = await InputAsync(request, context.RequestAborted).ConfigureAwait(false);
        ConfluentCompatibilityResponse response;
        try
        {
            var report = await registry.CheckCompatibilityAsync(subject, input, against, context.RequestAborted).ConfigureAwait(false);
            response = new ConfluentCompatibilityResponse { IsCompatible = report.IsCompatible, Messages = verbose ? Messages(report) : null };
        }
        catch (RegistryException e) when (e.Code is RegistryErrorCode.SubjectNotFound or RegistryErrorCode.VersionNotFound)
        {
            if (against is { IsLatest: false } numbered)
            {
                ConfluentErrors.Throw(ConfluentErrors.VersionNotFound, $"Version {numbered.Number} not found.");
            }

            // Nothing live to be compatible with.
            response = new ConfluentCompatibilityResponse { IsCompatible = true, Messages = verbose ? [] : null };
        }
        catch (RegistryException e) when (verbose && IsSchemaProblem(e))
        {
            // Verbose checks report an unreadable schema as an incompatible one, with the reason.
            response = new ConfluentCompatibilityResponse { IsCompatible = false, Messages = [e.Message] };
        }

        await ConfluentHttp.WriteJsonAsync(context, response, ConfluentJsonContext.Wire.ConfluentCompatibilityResponse).ConfigureAwait(false);
    }
}
