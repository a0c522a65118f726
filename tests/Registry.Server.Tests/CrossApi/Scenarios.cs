using System.Text;

namespace Registry.Server.Tests.CrossApi;

/// <summary>What a step must end with: an outcome and, when given, the facts the answer must carry.</summary>
public sealed record Expect(Outcome Outcome, long? SchemaId = null, int? Version = null, bool? Valid = null, bool? Warned = null)
{
    public static Expect Ok(long? schemaId = null, int? version = null) => new(Outcome.Ok, schemaId, version);

    public static Expect Validated(bool valid, bool warned) => new(Outcome.Ok, Valid: valid, Warned: warned);

    public static implicit operator Expect(Outcome outcome) => new(outcome);
}

/// <summary>One operation of a scenario and how it must end, whatever the API.</summary>
public sealed record Step(string Description, Func<ApiDriver, Task<Answer>> Act, Expect Expected);

/// <summary>A named sequence of steps, run from an empty registry configured with <paramref name="Settings"/> (none: the defaults).</summary>
public sealed record Scenario(string Name, IReadOnlyList<Step> Steps, IReadOnlyDictionary<string, string?>? Settings = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// The scenarios of the agreement suite, written once for every API: registration, an incompatible change, READONLY,
/// IMPORT, the lifecycle, deletion with references, and validation of deprecated and archived versions.
/// </summary>
public static class Scenarios
{
    private const string PersonV1 = """{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}""";

    /// <summary>PersonV1 with its members reordered and spaced: the same schema.</summary>
    private const string PersonV1Reformatted = """{ "required": ["name"], "additionalProperties": false, "type": "object", "properties": { "name": { "type": "string" } } }""";

    /// <summary>Adds an optional property to the closed model: BACKWARD compatible.</summary>
    private const string PersonV2 = """{"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"}},"required":["name"],"additionalProperties":false}""";

    /// <summary>Adds another optional property: BACKWARD compatible with V2.</summary>
    private const string PersonV2b = """{"type":"object","properties":{"name":{"type":"string"},"email":{"type":"string"},"age":{"type":"integer"}},"required":["name"],"additionalProperties":false}""";

    /// <summary>Changes the type of the required property: incompatible in every direction.</summary>
    private const string PersonV3 = """{"type":"object","properties":{"name":{"type":"integer"}},"required":["name"],"additionalProperties":false}""";

    private const string Team = """{"type":"array","items":{"$ref":"person.json"}}""";

    private const string ValidPerson = """{"name":"Ada"}""";
    private const string InvalidPerson = """{"name":42}""";

    /// <summary>'latest' as a version number: -1, as in the binary protocol and Confluent's paths.</summary>
    private const int Latest = -1;

    private static string Titled(string title) => $$"""{"title":"{{title}}","type":"object"}""";

    private const string Numbers = """{"type":"array","items":{"type":"integer"}}""";

    /// <summary><c>$defs</c> l0 → allOf[l1, l1] → … → l<paramref name="levels"/>: linear to compile, one step per definition and more.</summary>
    private static string Chain(int levels)
    {
        // It names its dialect: the Confluent API reads a schema without $schema as draft-07, where $defs is not a
        // keyword and the chain costs fewer steps to compile, and the scenario is about the same schema everywhere.
        var sb = new StringBuilder("""{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"#/$defs/l0","$defs":{""");
        for (var i = 0; i < levels; i++)
        {
            sb.Append($$"""  "l{{i}}":{"allOf":[{"$ref":"#/$defs/l{{i + 1}}"},{"$ref":"#/$defs/l{{i + 1}}"}]},""");
        }

        return sb.Append($"\"l{levels}\":{{\"type\":\"string\"}}}}}}").ToString();
    }

    /// <summary>An array of <paramref name="count"/> integers: one step or more per item to validate.</summary>
    private static string Integers(int count) => "[" + string.Join(",", Enumerable.Range(0, count)) + "]";

    /// <summary>A small budget of work, so that ordinary-sized requests can exceed it.</summary>
    private static readonly Dictionary<string, string?> SmallBudget = new() { ["Registry:Engine:MaxWorkSteps"] = "20000" };

    public static IReadOnlyList<Scenario> All { get; } =
    [
        new("register", [
            new("a first schema gets id 1, version 1", d => d.RegisterAsync("orders", PersonV1), Expect.Ok(1, 1)),
            new("the same content again is that version", d => d.RegisterAsync("orders", PersonV1Reformatted), Expect.Ok(1, 1)),
            new("the same content elsewhere keeps its id", d => d.RegisterAsync("audit", PersonV1), Expect.Ok(1, 1)),
            new("a compatible change is version 2", d => d.RegisterAsync("orders", PersonV2), Expect.Ok(2, 2)),
            new("version 2 reads back", d => d.GetVersionAsync("orders", 2), Expect.Ok(2, 2)),
            new("version 3 does not exist yet", d => d.GetVersionAsync("orders", 3), Outcome.VersionNotFound),
            new("an unknown subject", d => d.GetVersionAsync("missing", 1), Outcome.SubjectNotFound),
            new("an explicit version that skips one", d => d.RegisterAsync("orders", PersonV2b, version: 5), Outcome.InvalidRequest),
            new("an explicit version that is the next one", d => d.RegisterAsync("orders", PersonV2b, version: 3), Expect.Ok(3, 3)),
        ]),
        new("conflict", [
            new("version 1", d => d.RegisterAsync("people", PersonV1), Expect.Ok(1, 1)),
            new("an incompatible change is refused", d => d.RegisterAsync("people", PersonV3), Outcome.Incompatible),
            new("and wrote nothing", d => d.GetVersionAsync("people", 2), Outcome.VersionNotFound),
            new("level NONE", d => d.SetLevelAsync("people", "NONE"), Expect.Ok()),
            new("lets it in", d => d.RegisterAsync("people", PersonV3), Expect.Ok(2, 2)),
        ]),
        new("readonly", [
            new("version 1", d => d.RegisterAsync("s", PersonV1), Expect.Ok(1, 1)),
            new("the subject goes READONLY", d => d.SetModeAsync("s", "READONLY"), Expect.Ok()),
            new("new content is refused", d => d.RegisterAsync("s", PersonV2), Outcome.ModeForbids),
            new("content it holds is answered", d => d.RegisterAsync("s", PersonV1), Expect.Ok(1, 1)),
            new("its level cannot change", d => d.SetLevelAsync("s", "NONE"), Outcome.ModeForbids),
            new("its versions cannot be deleted", d => d.DeleteVersionAsync("s", 1), Outcome.ModeForbids),
            new("its versions cannot change state", d => d.ChangeStateAsync("s", 1, "DEPRECATED"), Outcome.ModeForbids),
            new("the registry goes READONLY", d => d.SetModeAsync(null, "READONLY"), Expect.Ok()),
            new("the registry's level cannot change", d => d.SetLevelAsync(null, "FULL"), Outcome.ModeForbids),
            new("the registry goes READWRITE", d => d.SetModeAsync(null, "READWRITE"), Expect.Ok()),
            new("the subject goes READWRITE", d => d.SetModeAsync("s", "READWRITE"), Expect.Ok()),
            new("new content is accepted again", d => d.RegisterAsync("s", PersonV2), Expect.Ok(2, 2)),
        ]),
        new("import", [
            new("an empty subject goes IMPORT", d => d.SetModeAsync("imported", "IMPORT"), Expect.Ok()),
            new("an explicit id and version are kept", d => d.RegisterAsync("imported", PersonV1, id: 40, version: 3), Expect.Ok(40, 3)),
            new("compatibility is not checked", d => d.RegisterAsync("imported", PersonV3, id: 41, version: 4), Expect.Ok(41, 4)),
            new("an id taken by other content", d => d.RegisterAsync("imported", Titled("other"), id: 40, version: 5), Outcome.IdConflict),
            new("an explicit id outside IMPORT", d => d.RegisterAsync("elsewhere", Titled("else"), id: 50), Outcome.ModeForbids),
            new("ids continue after the imported ones", d => d.RegisterAsync("elsewhere", Titled("else")), Expect.Ok(42, 1)),
            new("IMPORT on a registry with schemas needs force", d => d.SetModeAsync(null, "IMPORT"), Outcome.ModeForbids),
        ]),
        new("latest is released", [
            new("version 1", d => d.RegisterAsync("s", PersonV1), Expect.Ok(1, 1)),
            new("version 2", d => d.RegisterAsync("s", PersonV2), Expect.Ok(2, 2)),
            new("latest is version 2", d => d.GetVersionAsync("s", Latest), Expect.Ok(2, 2)),
            new("version 2 is deprecated", d => d.ChangeStateAsync("s", 2, "DEPRECATED"), Expect.Ok(2, 2)),
            new("a deprecated version is still the latest", d => d.GetVersionAsync("s", Latest), Expect.Ok(2, 2)),
            new("version 2 is archived", d => d.ChangeStateAsync("s", 2, "ARCHIVED"), Expect.Ok(2, 2)),
            new("an archived version is not the latest", d => d.GetVersionAsync("s", Latest), Expect.Ok(1, 1)),
            new("validation against latest uses version 1", d => d.ValidateAsync("s", Latest, ValidPerson), new Expect(Outcome.Ok, SchemaId: 1, Valid: true, Warned: false)),
            new("version 1 is deprecated and archived", async d => { await d.ChangeStateAsync("s", 1, "DEPRECATED"); return await d.ChangeStateAsync("s", 1, "ARCHIVED"); }, Expect.Ok(1, 1)),
            new("nothing released: no latest", d => d.GetVersionAsync("s", Latest), Outcome.VersionNotFound),
            new("the archived versions read back by number", d => d.GetVersionAsync("s", 2), Expect.Ok(2, 2)),
        ]),
        new("lifecycle", [
            new("version 1", d => d.RegisterAsync("s", PersonV1), Expect.Ok(1, 1)),
            new("ACTIVE cannot be archived", d => d.ChangeStateAsync("s", 1, "ARCHIVED"), Outcome.IllegalTransition),
            new("ACTIVE is deprecated", d => d.ChangeStateAsync("s", 1, "DEPRECATED"), Expect.Ok(1, 1)),
            new("DEPRECATED is archived", d => d.ChangeStateAsync("s", 1, "ARCHIVED"), Expect.Ok(1, 1)),
            new("ARCHIVED cannot come back", d => d.ChangeStateAsync("s", 1, "ACTIVE"), Outcome.IllegalTransition),
            new("an archived version reads back", d => d.GetVersionAsync("s", 1), Expect.Ok(1, 1)),
            new("its content registered again is that version", d => d.RegisterAsync("s", PersonV1), Expect.Ok(1, 1)),
        ]),
        new("delete with references", [
            new("a person", d => d.RegisterAsync("person", PersonV1), Expect.Ok(1, 1)),
            new("a team referencing it", d => d.RegisterAsync("team", Team, [new Reference("person.json", "person", 1)]), Expect.Ok(2, 1)),
            new("the referenced version cannot be soft-deleted", d => d.DeleteVersionAsync("person", 1), Outcome.ReferenceExists),
            new("the referrer is soft-deleted", d => d.DeleteVersionAsync("team", 1), Expect.Ok()),
            new("then the referenced one may be", d => d.DeleteVersionAsync("person", 1), Expect.Ok()),
            new("but not removed while the referrer remains", d => d.DeleteVersionAsync("person", 1, permanent: true), Outcome.ReferenceExists),
            new("the referrer is removed", d => d.DeleteVersionAsync("team", 1, permanent: true), Expect.Ok()),
            new("then the referenced one is", d => d.DeleteVersionAsync("person", 1, permanent: true), Expect.Ok()),
            new("and its subject is gone", d => d.GetVersionAsync("person", 1), Outcome.SubjectNotFound),
        ]),
        new("validate deprecated and archived", [
            new("version 1", d => d.RegisterAsync("s", PersonV1), Expect.Ok(1, 1)),
            new("an ACTIVE version validates without warning", d => d.ValidateAsync("s", 1, ValidPerson), Expect.Validated(valid: true, warned: false)),
            new("an invalid document by id", d => d.ValidateByIdAsync(1, InvalidPerson), Expect.Validated(valid: false, warned: false)),
            new("deprecated", d => d.ChangeStateAsync("s", 1, "DEPRECATED"), Expect.Ok(1, 1)),
            new("a DEPRECATED version validates with a warning", d => d.ValidateAsync("s", 1, ValidPerson), Expect.Validated(valid: true, warned: true)),
            new("so does its id", d => d.ValidateByIdAsync(1, ValidPerson), Expect.Validated(valid: true, warned: true)),
            new("archived", d => d.ChangeStateAsync("s", 1, "ARCHIVED"), Expect.Ok(1, 1)),
            new("an ARCHIVED version refuses validation", d => d.ValidateAsync("s", 1, ValidPerson), Outcome.VersionArchived),
            new("so does its id", d => d.ValidateByIdAsync(1, ValidPerson), Outcome.VersionArchived),
        ]),
        new("work budget", [
            new("a small schema compiles within the budget", d => d.RegisterAsync("numbers", Numbers), Expect.Ok(1, 1)),
            new("a few items validate within it", d => d.ValidateAsync("numbers", 1, Integers(100)), Expect.Validated(valid: true, warned: false)),
            new("too many items for one request are too complex", d => d.ValidateAsync("numbers", 1, Integers(30_000)), Outcome.TooComplex),
            new("by id too", d => d.ValidateByIdAsync(1, Integers(30_000)), Outcome.TooComplex),
            new("a schema too costly to compile is too complex", d => d.RegisterAsync("chain", Chain(300)), Outcome.TooComplex),
            new("and wrote nothing", d => d.GetVersionAsync("chain", 1), Outcome.SubjectNotFound),
            new("the registry still answers", d => d.GetVersionAsync("numbers", 1), Expect.Ok(1, 1)),
        ], SmallBudget),
    ];
}
