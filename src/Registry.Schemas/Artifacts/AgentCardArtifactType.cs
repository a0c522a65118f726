using System.Buffers;
using System.Text.Json;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Schemas.Artifacts;

/// <summary>
/// The <c>AGENT_CARD</c> schema type: an A2A agent card (https://a2a-protocol.org/latest/specification/, "AgentCard"
/// and "AgentSkill"), its shape checked on registration and stored with members in a fixed order. Versions are
/// compared by skill id and endpoint: removing a skill or changing the card's <c>url</c> (or removing an interface
/// URL) is breaking, adding a skill is a minor change, description changes are patches. A card may reference
/// <c>TOOL</c> subjects, each reference named after the skill that uses the tool. Documents are not validated
/// against a card (it has no document schema).
/// </summary>
public sealed class AgentCardArtifactType : ArtifactType
{
    /// <summary>The type's name.</summary>
    public const string TypeName = "AGENT_CARD";

    /// <summary>A skill (by id) of the earlier card is gone: clients that call it fail.</summary>
    public const string SkillRemoved = "AGENT_SKILL_REMOVED";

    /// <summary>A skill was added (a minor change).</summary>
    public const string SkillAdded = "AGENT_SKILL_ADDED";

    /// <summary>The card's <c>url</c> changed: clients configured with the old endpoint no longer reach the agent.</summary>
    public const string UrlChanged = "AGENT_URL_CHANGED";

    /// <summary>An interface URL of the earlier card is gone (<c>supportedInterfaces</c>, <c>additionalInterfaces</c>).</summary>
    public const string InterfaceRemoved = "AGENT_INTERFACE_REMOVED";

    /// <summary>The card's or a skill's description changed (a patch).</summary>
    public const string DescriptionChanged = "AGENT_DESCRIPTION_CHANGED";

    /// <summary>Anything else changed (capabilities, modes, tags, version...): compatible, a minor change.</summary>
    public const string CardChanged = "AGENT_CARD_CHANGED";

    /// <summary>Members of a card, in canonical order; those marked required must be present.</summary>
    private static readonly (string Name, MemberKind Kind, bool Required)[] CardMembers =
    [
        ("protocolVersion", MemberKind.String, false),
        ("name", MemberKind.String, true),
        ("description", MemberKind.String, true),
        ("version", MemberKind.String, true),
        ("url", MemberKind.Url, false),
        ("preferredTransport", MemberKind.String, false),
        ("supportedInterfaces", MemberKind.Interfaces, false),
        ("additionalInterfaces", MemberKind.Interfaces, false),
        ("provider", MemberKind.Object, false),
        ("iconUrl", MemberKind.String, false),
        ("documentationUrl", MemberKind.String, false),
        ("capabilities", MemberKind.Object, true),
        ("securitySchemes", MemberKind.Object, false),
        ("security", MemberKind.Array, false),
        ("securityRequirements", MemberKind.Array, false),
        ("defaultInputModes", MemberKind.Strings, true),
        ("defaultOutputModes", MemberKind.Strings, true),
        ("skills", MemberKind.Skills, true),
        ("supportsAuthenticatedExtendedCard", MemberKind.Boolean, false),
        ("supportsExtendedAgentCard", MemberKind.Boolean, false),
        ("signatures", MemberKind.Array, false),
    ];

    /// <summary>Members of a skill, in canonical order.</summary>
    private static readonly (string Name, MemberKind Kind, bool Required)[] SkillMembers =
    [
        ("id", MemberKind.String, true),
        ("name", MemberKind.String, true),
        ("description", MemberKind.String, true),
        ("tags", MemberKind.Strings, true),
        ("examples", MemberKind.Strings, false),
        ("inputModes", MemberKind.Strings, false),
        ("outputModes", MemberKind.Strings, false),
        ("security", MemberKind.Array, false),
        ("securityRequirements", MemberKind.Array, false),
    ];

    private enum MemberKind
    {
        String,
        Url,
        Boolean,
        Object,
        Array,
        Strings,
        Interfaces,
        Skills,
    }

    /// <inheritdoc/>
    public override string Name => TypeName;

    /// <inheritdoc/>
    public override string DocumentKind => "nothing: an agent card has no document schema";

    /// <inheritdoc/>
    public override byte[] Canonicalize(ReadOnlyMemory<byte> content, SchemaCompilerOptions? options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new ArtifactDefinitionException($"The agent card is not JSON (at {JsonPosition.Of(e)}).", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ArtifactDefinitionException("An agent card is a JSON object.");
            }

            var problems = new List<ArtifactProblem>();
            CheckObject(root, "#", CardMembers, problems);
            if (!root.TryGetProperty("url", out _) && !root.TryGetProperty("supportedInterfaces", out _))
            {
                problems.Add(new ArtifactProblem("#/url", "'url' (A2A 0.3) or 'supportedInterfaces' (A2A 1.0) is required: where the agent is reached."));
            }

            if (root.TryGetProperty("skills", out var skills) && skills.ValueKind == JsonValueKind.Array)
            {
                var ids = new HashSet<string>(StringComparer.Ordinal);
                var index = 0;
                foreach (var skill in skills.EnumerateArray())
                {
                    if (skill.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && !ids.Add(id.GetString()!))
                    {
                        problems.Add(new ArtifactProblem($"#/skills/{index}/id", $"skill id '{Shorten(id.GetString()!)}' is used twice."));
                    }

                    index++;
                }
            }

            if (problems.Count > 0)
            {
                throw new ArtifactDefinitionException(problems);
            }

            var buffer = new ArrayBufferWriter<byte>(content.Length + 64);
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                WriteOrdered(w, root, CardMembers);
            }

            return buffer.WrittenSpan.ToArray();
        }
    }

    /// <inheritdoc/>
    public override ReadOnlyMemory<byte>? DocumentSchema(ReadOnlyMemory<byte> canonical) => null;

    /// <inheritdoc/>
    public override bool MayReference(string schemaType) => string.Equals(schemaType, ToolArtifactType.TypeName, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override IReadOnlyList<ArtifactProblem> ReferenceProblems(ReadOnlyMemory<byte> canonical, IReadOnlyList<string> referenceNames)
    {
        ArgumentNullException.ThrowIfNull(referenceNames);
        if (referenceNames.Count == 0)
        {
            return [];
        }

        var card = Card.Read(canonical);
        var problems = new List<ArtifactProblem>();
        for (var i = 0; i < referenceNames.Count; i++)
        {
            if (!card.Skills.ContainsKey(referenceNames[i]))
            {
                problems.Add(new ArtifactProblem($"#/references/{i}/name",
                    $"reference '{Shorten(referenceNames[i])}' names no skill of the card: name a card's reference after the id of the skill that uses the tool."));
            }
        }

        return problems;
    }

    /// <inheritdoc/>
    public override CompatibilityResult Check(
        ReadOnlyMemory<byte> newer, IReadOnlyList<ReadOnlyMemory<byte>> earlier, CompatibilityLevel level, CompatibilityPolicy policy, ISchemaResolver? resolver)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var card = Card.Read(newer);
        return ArtifactCompatibility.Across(earlier.Count, level, (int index, out VersionBump bump) => Compare(Card.Read(earlier[index]), card, index, out bump));
    }

    private static List<SchemaDifference> Compare(Card old, Card newer, int index, out VersionBump bump)
    {
        var found = new List<SchemaDifference>();
        bump = VersionBump.None;
        if (!string.Equals(old.Url, newer.Url, StringComparison.Ordinal) && old.Url is not null)
        {
            found.Add(new SchemaDifference(UrlChanged, "#/url", false, $"the agent's url changed from '{old.Url}' to '{newer.Url ?? "(none)"}': clients configured with it no longer reach the agent", index)
            {
                Remedy = "keep the url, or register the moved agent under a new subject",
            });
        }

        foreach (var url in old.InterfaceUrls)
        {
            if (!newer.InterfaceUrls.Contains(url))
            {
                found.Add(new SchemaDifference(InterfaceRemoved, "#/supportedInterfaces", false, $"the interface at '{url}' is gone: clients using it no longer reach the agent", index)
                {
                    Remedy = "keep every interface URL of the earlier card (add new ones beside them)",
                });
            }
        }

        foreach (var (id, skill) in old.Skills)
        {
            if (!newer.Skills.TryGetValue(id, out var kept))
            {
                found.Add(new SchemaDifference(SkillRemoved, $"#/skills/{skill.Index}", false, $"skill '{id}' was removed: clients that call it fail", index)
                {
                    Remedy = "keep the skill (deprecate it in its description), or register the reduced agent under a new subject",
                });
                continue;
            }

            if (!string.Equals(skill.Description, kept.Description, StringComparison.Ordinal))
            {
                found.Add(new SchemaDifference(DescriptionChanged, $"#/skills/{kept.Index}/description", true, $"the description of skill '{id}' changed", index));
                bump = Max(bump, VersionBump.Patch);
            }

            if (!string.Equals(skill.Rest, kept.Rest, StringComparison.Ordinal))
            {
                found.Add(new SchemaDifference(CardChanged, $"#/skills/{kept.Index}", true, $"skill '{id}' changed (name, tags, examples or modes)", index));
                bump = Max(bump, VersionBump.Minor);
            }
        }

        foreach (var (id, skill) in newer.Skills)
        {
            if (!old.Skills.ContainsKey(id))
            {
                found.Add(new SchemaDifference(SkillAdded, $"#/skills/{skill.Index}", true, $"skill '{id}' was added", index));
                bump = Max(bump, VersionBump.Minor);
            }
        }

        if (!string.Equals(old.Description, newer.Description, StringComparison.Ordinal))
        {
            found.Add(new SchemaDifference(DescriptionChanged, "#/description", true, "the card's description changed", index));
            bump = Max(bump, VersionBump.Patch);
        }

        if (!string.Equals(old.Rest, newer.Rest, StringComparison.Ordinal))
        {
            found.Add(new SchemaDifference(CardChanged, "#", true, "the card changed (capabilities, modes, version, provider or interfaces added)", index));
            bump = Max(bump, VersionBump.Minor);
        }

        if (!found.TrueForAll(d => d.IsCompatible))
        {
            bump = VersionBump.Major;
        }

        return found;
    }

    private static VersionBump Max(VersionBump a, VersionBump b) => (VersionBump)Math.Max((int)a, (int)b);

    private static void CheckObject(JsonElement body, string prefix, (string Name, MemberKind Kind, bool Required)[] members, List<ArtifactProblem> problems)
    {
        foreach (var member in body.EnumerateObject())
        {
            if (Find(members, member.Name) < 0)
            {
                problems.Add(new ArtifactProblem($"{prefix}/{Escape(member.Name)}", $"unknown member '{Shorten(member.Name)}'."));
            }
        }

        foreach (var (name, kind, required) in members)
        {
            var pointer = $"{prefix}/{name}";
            if (!body.TryGetProperty(name, out var value))
            {
                if (required)
                {
                    problems.Add(new ArtifactProblem(pointer, $"'{name}' is required."));
                }

                continue;
            }

            CheckValue(value, pointer, name, kind, problems);
        }
    }

    private static void CheckValue(JsonElement value, string pointer, string name, MemberKind kind, List<ArtifactProblem> problems)
    {
        switch (kind)
        {
            case MemberKind.String when value.ValueKind != JsonValueKind.String:
                problems.Add(new ArtifactProblem(pointer, $"'{name}' is a string."));
                break;
            case MemberKind.Url:
                CheckUrl(value, pointer, name, problems);
                break;
            case MemberKind.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                problems.Add(new ArtifactProblem(pointer, $"'{name}' is true or false."));
                break;
            case MemberKind.Object when value.ValueKind != JsonValueKind.Object:
                problems.Add(new ArtifactProblem(pointer, $"'{name}' is an object."));
                break;
            case MemberKind.Array when value.ValueKind != JsonValueKind.Array:
                problems.Add(new ArtifactProblem(pointer, $"'{name}' is an array."));
                break;
            case MemberKind.Strings:
                if (value.ValueKind != JsonValueKind.Array)
                {
                    problems.Add(new ArtifactProblem(pointer, $"'{name}' is an array of strings."));
                    break;
                }

                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        problems.Add(new ArtifactProblem($"{pointer}/{i}", $"'{name}' holds strings only."));
                    }

                    i++;
                }

                break;
            case MemberKind.Interfaces:
                if (value.ValueKind != JsonValueKind.Array)
                {
                    problems.Add(new ArtifactProblem(pointer, $"'{name}' is an array of interfaces ({{url, protocolBinding, protocolVersion}})."));
                    break;
                }

                var n = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add(new ArtifactProblem($"{pointer}/{n}", "an interface is an object."));
                    }
                    else if (!item.TryGetProperty("url", out var url))
                    {
                        problems.Add(new ArtifactProblem($"{pointer}/{n}/url", "an interface's 'url' is required."));
                    }
                    else
                    {
                        CheckUrl(url, $"{pointer}/{n}/url", "url", problems);
                    }

                    n++;
                }

                break;
            case MemberKind.Skills:
                if (value.ValueKind != JsonValueKind.Array)
                {
                    problems.Add(new ArtifactProblem(pointer, $"'{name}' is an array of skills."));
                    break;
                }

                var s = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add(new ArtifactProblem($"{pointer}/{s}", "a skill is an object {id, name, description, tags, examples?, inputModes?, outputModes?}."));
                    }
                    else
                    {
                        CheckObject(item, $"{pointer}/{s}", SkillMembers, problems);
                    }

                    s++;
                }

                break;
        }
    }

    private static void CheckUrl(JsonElement value, string pointer, string name, List<ArtifactProblem> problems)
    {
        if (value.ValueKind != JsonValueKind.String || !Uri.TryCreate(value.GetString(), UriKind.Absolute, out _))
        {
            problems.Add(new ArtifactProblem(pointer, $"'{name}' is an absolute URL."));
        }
    }

    private static void WriteOrdered(Utf8JsonWriter w, JsonElement body, (string Name, MemberKind Kind, bool Required)[] members)
    {
        w.WriteStartObject();
        foreach (var (name, kind, _) in members)
        {
            if (!body.TryGetProperty(name, out var value))
            {
                continue;
            }

            w.WritePropertyName(name);
            if (kind == MemberKind.Skills)
            {
                w.WriteStartArray();
                foreach (var skill in value.EnumerateArray())
                {
                    WriteOrdered(w, skill, SkillMembers);
                }

                w.WriteEndArray();
            }
            else
            {
                value.WriteTo(w);
            }
        }

        w.WriteEndObject();
    }

    private static int Find((string Name, MemberKind Kind, bool Required)[] members, string name)
    {
        for (var i = 0; i < members.Length; i++)
        {
            if (string.Equals(members[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "...");

    /// <summary>What the comparison looks at in a canonical card.</summary>
    private sealed class Card
    {
        public string? Url { get; private set; }

        public string? Description { get; private set; }

        /// <summary>Everything but the description, url, interfaces' removal and the skills, as canonical text.</summary>
        public string Rest { get; private set; } = string.Empty;

        public HashSet<string> InterfaceUrls { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Skill> Skills { get; } = new(StringComparer.Ordinal);

        public static Card Read(ReadOnlyMemory<byte> canonical)
        {
            using var document = JsonDocument.Parse(canonical, new JsonDocumentOptions { MaxDepth = 256 });
            var root = document.RootElement;
            var card = new Card();
            var rest = new System.Text.StringBuilder();
            foreach (var member in root.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "url":
                        card.Url = member.Value.GetString();
                        break;
                    case "description":
                        card.Description = member.Value.GetString();
                        break;
                    case "skills":
                        var index = 0;
                        foreach (var skill in member.Value.EnumerateArray())
                        {
                            var id = skill.GetProperty("id").GetString()!;
                            var skillRest = new System.Text.StringBuilder();
                            string? description = null;
                            foreach (var part in skill.EnumerateObject())
                            {
                                if (part.Name == "description")
                                {
                                    description = part.Value.GetString();
                                }
                                else
                                {
                                    skillRest.Append(part.Name).Append('=').Append(part.Value.GetRawText()).Append('\n');
                                }
                            }

                            card.Skills[id] = new Skill(index++, description, skillRest.ToString());
                        }

                        break;
                    default:
                        if (member.Name is "supportedInterfaces" or "additionalInterfaces")
                        {
                            foreach (var item in member.Value.EnumerateArray())
                            {
                                if (item.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String)
                                {
                                    card.InterfaceUrls.Add(url.GetString()!);
                                }
                            }
                        }

                        rest.Append(member.Name).Append('=').Append(member.Value.GetRawText()).Append('\n');
                        break;
                }
            }

            card.Rest = rest.ToString();
            return card;
        }
    }

    private sealed record Skill(int Index, string? Description, string Rest);
}
