using System.Text;
using Registry.Engine;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Schemas.Validation;

namespace Registry.Server.Confluent;

/// <summary>Turning a Confluent schema request into the engine's input.</summary>
internal sealed partial class ConfluentHandlers
{
    /// <summary>
    /// The draft this API reads a schema in when it names no <c>$schema</c> and its subject sets none: draft-07, as
    /// Confluent's JSON Schema provider does. A subject's own setting (<c>default_draft</c> of the native config API) wins.
    /// </summary>
    internal const JsonSchemaDraft DefaultDraft = JsonSchemaDraft.Draft7;

    /// <summary>
    /// Checks the type (only <c>JSON</c>; a missing type means AVRO in Confluent's API), the schema text and the
    /// references, resolving a reference to version -1 to the referenced subject's latest live version.
    /// </summary>
    private async Task<SchemaInput> InputAsync(ConfluentSchemaRequest request, CancellationToken cancellationToken)
    {
        switch (request.SchemaType)
        {
            case "JSON":
                break;
            case null:
                ConfluentErrors.Throw(ConfluentErrors.InvalidSchema,
                    "No schemaType was given, which the Confluent API reads as AVRO; AVRO is not supported yet. This registry supports \"schemaType\": \"JSON\".");
                break;
            case "AVRO" or "PROTOBUF":
                ConfluentErrors.Throw(ConfluentErrors.InvalidSchema,
                    $"Schema type {request.SchemaType} is not supported yet. This registry supports \"schemaType\": \"JSON\".");
                break;
            case "TOOL" or "PROMPT" or "AGENT_CARD":
                // LLM artifact types are the native API's: Confluent's clients know only JSON, AVRO and PROTOBUF.
                ConfluentErrors.Throw(ConfluentErrors.InvalidSchema,
                    $"Schema type {request.SchemaType} is an LLM artifact type, served by the native API under /v1 only; the Confluent API keeps \"schemaType\": \"JSON\".");
                break;
            default:
                ConfluentErrors.Throw(ConfluentErrors.InvalidSchema,
                    $"Invalid schema type {request.SchemaType}; the supported type is JSON (upper case).");
                break;
        }

        if (string.IsNullOrEmpty(request.Schema))
        {
            ConfluentErrors.Throw(ConfluentErrors.InvalidSchema, request.Schema is null
                ? "Empty schema: missing field 'schema' (the schema's JSON text, escaped into a JSON string)."
                : "Empty schema: field 'schema' is an empty string.");
        }

        IReadOnlyList<SchemaReference> references = [];
        if (request.References is { Count: > 0 } given)
        {
            var list = new SchemaReference[given.Count];
            for (var i = 0; i < list.Length; i++)
            {
                var r = given[i];
                if (r?.Name is null || r.Subject is null)
                {
                    ConfluentErrors.Throw(ConfluentErrors.InvalidSchema, "Every reference needs a name, a subject and a version.");
                }

                var version = r.Version;
                if (version == -1)
                {
                    // Confluent's spelling of "the latest version" inside a reference.
                    var latest = await registry.GetVersionAsync(r.Subject, VersionSelector.Latest, cancellationToken: cancellationToken).ConfigureAwait(false);
                    version = latest.Version;
                }

                list[i] = new SchemaReference(r.Name, r.Subject, version);
            }

            references = list;
        }

        return new SchemaInput(Encoding.UTF8.GetBytes(request.Schema), "JSON", references) { DefaultDraft = DefaultDraft, Contract = Contract(request) };
    }

    /// <summary>
    /// The data contract the request carries (metadata and rule set), in the engine's terms; null when it carries
    /// neither (the engine then takes the previous version's). The engine checks and normalizes it.
    /// </summary>
    private static DataContract? Contract(ConfluentSchemaRequest request) => ConfluentMapping.Contract(request.Metadata, request.RuleSet);

    /// <summary>Compatibility messages: one line per incompatible difference, naming the version it was found against.</summary>
    private static List<string> Messages(CompatibilityReport report)
    {
        var messages = new List<string>();
        foreach (var d in report.Differences)
        {
            if (d.IsCompatible)
            {
                continue;
            }

            messages.Add(d.ToString());
        }

        return messages;
    }

    private static bool IsSchemaProblem(RegistryException e) =>
        e.Code is RegistryErrorCode.InvalidSchema or RegistryErrorCode.ReferenceNotFound or RegistryErrorCode.InvalidRequest;
}
