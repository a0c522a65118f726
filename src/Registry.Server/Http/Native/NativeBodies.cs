using Registry.Schemas.Validation;

namespace Registry.Server.Http.Native;

/// <summary>
/// The shapes of the native API's request bodies (see <see cref="BodyShape"/>): every field with its type, so that a
/// wrong body is answered with the field, what was expected and what came. Unknown fields are refused with the name
/// they resemble. Kept beside the request records of NativeModels.cs; a field added there is added here.
/// </summary>
internal static class NativeBodies
{
    private const string SubjectName = "a subject name";

    private static readonly BodyShape Reference = new("a reference", UnknownFields.Refuse,
        new BodyField("name", FieldKind.String, "the name the schema uses in $ref", Required: true),
        new BodyField("subject", FieldKind.String, SubjectName, Required: true),
        new BodyField("version", FieldKind.Integer, "a version number from 1", Required: true));

    public static readonly BodyShape Metadata = new("a metadata body", UnknownFields.Refuse,
        new BodyField("description", FieldKind.String),
        new BodyField("owner", FieldKind.String),
        new BodyField("tags", FieldKind.Strings),
        new BodyField("properties", FieldKind.StringMap));

    private static readonly BodyField[] SchemaFields =
    [
        new("schema", FieldKind.Schema, Required: true),
        new("schema_type", FieldKind.String, "JSON"),
        new("references", FieldKind.Objects, Shape: Reference),
    ];

    public static readonly BodyShape Registration = new("a registration", UnknownFields.Refuse,
        [
            .. SchemaFields,
            new("metadata", FieldKind.Object, Shape: Metadata),
            new("semver", FieldKind.String, "MAJOR.MINOR.PATCH"),
            new("state", FieldKind.String, "ACTIVE or DRAFT"),
            new("normalize", FieldKind.Boolean),
            new("id", FieldKind.Long, "a schema id, IMPORT mode only"),
            new("version", FieldKind.Integer, "a version number"),
        ])
    {
        Aliases = Names(("type", "schema_type"), ("schemaType", "schema_type"), ("lifecycle", "state")),
    };

    public static readonly BodyShape SchemaInput = new("a schema to look up or check", UnknownFields.Refuse, SchemaFields)
    {
        Aliases = Names(("type", "schema_type")),
    };

    public static readonly BodyShape StateChange = new("a state change", UnknownFields.Refuse,
        new BodyField("state", FieldKind.String, "DRAFT, ACTIVE, DEPRECATED or ARCHIVED", Required: true),
        new BodyField("reason", FieldKind.String),
        new BodyField("sunset", FieldKind.DateTime),
        new BodyField("replacement", FieldKind.String, SubjectName))
    {
        Aliases = Names(("deprecation_reason", "reason"), ("sunset_date", "sunset"), ("replaced_by", "replacement")),
    };

    public static readonly BodyShape Config = new("a configuration change", UnknownFields.Refuse,
        new BodyField("compatibility", FieldKind.String, "NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE"),
        new BodyField("policy", FieldKind.String, "STRICT or LENIENT"),
        new BodyField("format_assertion", FieldKind.Boolean),
        new BodyField("default_draft", FieldKind.String, JsonSchemaDrafts.Names))
    {
        Aliases = Names(("compatibility_level", "compatibility"), ("compatibilityLevel", "compatibility"), ("level", "compatibility")),
    };

    public static readonly BodyShape Mode = new("a mode change", UnknownFields.Refuse,
        new BodyField("mode", FieldKind.String, "READWRITE, READONLY or IMPORT", Required: true));

    public static readonly BodyShape Alias = new("an alias change", UnknownFields.Refuse,
        new BodyField("version", FieldKind.Integer, "a version number from 1", Required: true),
        new BodyField("protected", FieldKind.Boolean),
        new BodyField("force", FieldKind.Boolean));

    private static readonly BodyShape ToolSetMember = new("a tool of a set", UnknownFields.Refuse,
        new BodyField("subject", FieldKind.String, SubjectName, Required: true),
        new BodyField("version", FieldKind.String, "a version number, 'latest' or '@alias', as a string"),
        new BodyField("name", FieldKind.String, "the tool name sent to the provider"),
        new BodyField("description", FieldKind.String),
        new BodyField("strict", FieldKind.Boolean));

    public static readonly BodyShape ToolSet = new("a tool set", UnknownFields.Refuse,
        new BodyField("tools", FieldKind.Objects, Required: true, Shape: ToolSetMember));

    private static Dictionary<string, string> Names(params (string Alias, string Name)[] pairs)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alias, name) in pairs)
        {
            names[alias] = name;
        }

        return names;
    }
}
