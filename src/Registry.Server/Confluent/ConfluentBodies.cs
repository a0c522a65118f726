using Registry.Server.Http;

namespace Registry.Server.Confluent;

/// <summary>
/// The shapes of the Confluent API's request bodies (see <see cref="BodyShape"/>). Unknown fields are ignored, as
/// Confluent does (its clients send fields this registry has no use for), except another spelling of a field this
/// registry reads (<c>schema_type</c>), which would otherwise be silently lost.
/// </summary>
internal static class ConfluentBodies
{
    private static readonly BodyShape Reference = new("a reference", UnknownFields.RefuseMisspelt,
        new BodyField("name", FieldKind.String, "the name the schema uses in $ref"),
        new BodyField("subject", FieldKind.String, "a subject name"),
        new BodyField("version", FieldKind.Integer, "a version number, or -1 for the latest"));

    private static readonly BodyShape Metadata = new("metadata", UnknownFields.RefuseMisspelt,
        new BodyField("tags", FieldKind.StringListMap),
        new BodyField("properties", FieldKind.StringMap),
        new BodyField("sensitive", FieldKind.Strings));

    private static readonly BodyShape Rule = new("a rule", UnknownFields.RefuseMisspelt,
        new BodyField("name", FieldKind.String, "the rule's name"),
        new BodyField("doc", FieldKind.String),
        new BodyField("kind", FieldKind.String, "TRANSFORM or CONDITION"),
        new BodyField("mode", FieldKind.String, "WRITE, READ, WRITEREAD, UPGRADE, DOWNGRADE or UPDOWN"),
        new BodyField("type", FieldKind.String, "the rule executor, e.g. CEL"),
        new BodyField("tags", FieldKind.Strings),
        new BodyField("params", FieldKind.StringMap),
        new BodyField("expr", FieldKind.String),
        new BodyField("onSuccess", FieldKind.String),
        new BodyField("onFailure", FieldKind.String),
        new BodyField("disabled", FieldKind.Boolean));

    private static readonly BodyShape RuleSet = new("a rule set", UnknownFields.RefuseMisspelt,
        new BodyField("migrationRules", FieldKind.Objects, Shape: Rule),
        new BodyField("domainRules", FieldKind.Objects, Shape: Rule),
        new BodyField("encodingRules", FieldKind.Objects, Shape: Rule),
        new BodyField("enableAt", FieldKind.String));

    public static readonly BodyShape Schema = new("a schema request", UnknownFields.RefuseMisspelt,
        new BodyField("schema", FieldKind.SchemaText, "the schema's JSON text, escaped into a JSON string", Required: true),
        new BodyField("schemaType", FieldKind.String, "JSON"),
        new BodyField("references", FieldKind.Objects, Shape: Reference),
        new BodyField("metadata", FieldKind.Object, Shape: Metadata),
        new BodyField("ruleSet", FieldKind.Object, Shape: RuleSet),
        new BodyField("id", FieldKind.Long, "a schema id"),
        new BodyField("version", FieldKind.Integer, "a version number"))
    {
        MissingReportedByHandler = true,
    };

    public static readonly BodyShape Config = new("a configuration change", UnknownFields.RefuseMisspelt,
        new BodyField("compatibility", FieldKind.String, "NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE"),
        new BodyField("compatibilityLevel", FieldKind.String, "the same as 'compatibility'"),
        new BodyField("normalize", FieldKind.Boolean),
        new BodyField("validateFields", FieldKind.Boolean),
        new BodyField("compatibilityGroup", FieldKind.String, "a metadata property name"),
        new BodyField("defaultMetadata", FieldKind.Object, Shape: Metadata),
        new BodyField("overrideMetadata", FieldKind.Object, Shape: Metadata),
        new BodyField("defaultRuleSet", FieldKind.Object, Shape: RuleSet),
        new BodyField("overrideRuleSet", FieldKind.Object, Shape: RuleSet));

    public static readonly BodyShape Mode = new("a mode change", UnknownFields.RefuseMisspelt,
        new BodyField("mode", FieldKind.String, "READWRITE, READONLY or IMPORT", Required: true))
    {
        MissingReportedByHandler = true,
    };
}
