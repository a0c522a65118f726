using System.Buffers;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>What a TOOLSET request does: the values of its <c>action</c> field.</summary>
public enum ToolSetAction
{
    /// <summary>The names of every set (<c>GET /v1/toolsets</c>).</summary>
    List = 0,

    /// <summary>One set as stored (<c>GET /v1/toolsets/{name}</c>).</summary>
    Get = 1,

    /// <summary>Creates or replaces a set (<c>PUT /v1/toolsets/{name}</c>).</summary>
    Put = 2,

    /// <summary>Removes a set (<c>DELETE /v1/toolsets/{name}</c>).</summary>
    Delete = 3,

    /// <summary>Checks a set as one request per profile (<c>POST /v1/toolsets/{name}/check</c>).</summary>
    Check = 4,

    /// <summary>The set's tools in a provider's format (<c>GET /v1/toolsets/{name}?format=</c>).</summary>
    Export = 5,
}

/// <summary>
/// One tool of a set. Wire: <c>[subject: str, version: str, name: str, description: str | nil, strict: bool]</c>;
/// <c>version</c> is a number, <c>latest</c> or <c>@alias</c>, as stored (the server resolves it when the set is read).
/// </summary>
/// <param name="Subject">The subject whose schema is the tool's input schema.</param>
/// <param name="Version">A number, <c>latest</c> or <c>@alias</c>.</param>
/// <param name="Name">The tool (function) name sent to the provider.</param>
/// <param name="Description">What the tool does, for the model; may be null.</param>
/// <param name="Strict">Whether the tool is sent in strict mode.</param>
public sealed record ToolSetTool(string Subject, string Version, string Name, string? Description, bool Strict)
{
    /// <summary>Fewest bytes one tool takes on the wire (an array header, three empty strings, nil, a boolean).</summary>
    internal const int MinEncodedBytes = 6;

    /// <summary>Longest version text (<c>@</c> and an alias name, or a number), in UTF-8 bytes.</summary>
    public const int MaxVersionBytes = 256;

    /// <summary>Longest tool name or description, in UTF-8 bytes (4,096 characters of up to 4 bytes; the server counts characters).</summary>
    public const int MaxTextBytes = 4 * 4096;

    /// <summary>Writes the tool.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(5);
        writer.Write(Subject);
        writer.Write(Version);
        writer.Write(Name);
        writer.WriteNullable(Description);
        writer.Write(Strict);
    }

    internal static ToolSetTool Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("tool", 5);
        var subject = reader.ReadSubject("tool.subject");
        var version = reader.ReadString("tool.version", MaxVersionBytes);
        var name = reader.ReadString("tool.name", MaxTextBytes);
        var description = reader.ReadNullableString("tool.description", MaxTextBytes);
        var strict = reader.ReadBoolean("tool.strict");
        reader.Skip("tool", extra);
        return new ToolSetTool(subject, version, name, description, strict);
    }
}

/// <summary>
/// A stored tool set. Wire: <c>[name: str, tools: [tool], updatedAt: time, updatedBy: str | nil]</c>.
/// </summary>
public sealed record ToolSetBody
{
    internal const int MinEncodedBytes = 5;

    /// <summary>The set's name.</summary>
    public required string Name { get; init; }

    /// <summary>The tools, in the order they are sent.</summary>
    public required IReadOnlyList<ToolSetTool> Tools { get; init; }

    /// <summary>Last write.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Who wrote it last, when known.</summary>
    public string? UpdatedBy { get; init; }

    /// <summary>Writes the set.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        writer.Write(Name);
        writer.WriteArrayHeader(Tools.Count);
        for (var i = 0; i < Tools.Count; i++)
        {
            Tools[i].Write(ref writer);
        }

        writer.WriteTimestamp(UpdatedAt);
        writer.WriteNullable(UpdatedBy);
    }

    internal static ToolSetBody Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("tool set", 4);
        var name = reader.ReadString("toolSet.name", ToolSetRequest.MaxNameBytes);
        var count = reader.ReadArrayHeader("toolSet.tools", ToolSetRequest.MaxTools, ToolSetTool.MinEncodedBytes);
        var tools = new ToolSetTool[count];
        for (var i = 0; i < count; i++)
        {
            tools[i] = ToolSetTool.Read(ref reader);
        }

        var updatedAt = reader.ReadTimestamp("toolSet.updatedAt");
        var updatedBy = reader.ReadNullableString("toolSet.updatedBy", ProtocolLimits.MaxShortStringBytes);
        reader.Skip("tool set", extra);
        return new ToolSetBody { Name = name, Tools = tools, UpdatedAt = updatedAt, UpdatedBy = updatedBy };
    }
}

/// <summary>
/// TOOLSET's request: <c>[action: int, name: str | nil, tools: [tool] | nil, profiles: [str], format: str | nil,
/// transform: bool]</c>. <c>name</c> is nil for LIST and required otherwise; <c>tools</c> is required for PUT and nil
/// otherwise; <c>profiles</c> (CHECK: empty for every profile), <c>format</c> (EXPORT: openai, anthropic, gemini or
/// mcp) and <c>transform</c> (EXPORT: strict tools in the format's strict form) count only for their action. The rules
/// of names, tools and versions are the server's: it answers <c>BAD_REQUEST</c> naming what is wrong.
/// </summary>
public sealed record ToolSetRequest : IRequestBody
{
    /// <summary>Longest set name on the wire, in UTF-8 bytes (the server allows 128 ASCII characters).</summary>
    public const int MaxNameBytes = 512;

    /// <summary>Most tools in one set.</summary>
    public const int MaxTools = 256;

    /// <summary>Most profiles one CHECK may name.</summary>
    public const int MaxProfiles = 16;

    private const string Shape = "TOOLSET body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.ToolSet;

    /// <summary>What to do.</summary>
    public ToolSetAction Action { get; init; }

    /// <summary>The set's name; null only for <see cref="ToolSetAction.List"/>.</summary>
    public string? Name { get; init; }

    /// <summary>The tools of a <see cref="ToolSetAction.Put"/>; null otherwise.</summary>
    public IReadOnlyList<ToolSetTool>? Tools { get; init; }

    /// <summary>The profiles a <see cref="ToolSetAction.Check"/> checks against; empty for every profile.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>The format of an <see cref="ToolSetAction.Export"/>.</summary>
    public string? Format { get; init; }

    /// <summary>An <see cref="ToolSetAction.Export"/> with strict tools in the format's strict form.</summary>
    public bool Transform { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(6);
        writer.Write((int)Action);
        writer.WriteNullable(Name);
        if (Tools is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteArrayHeader(Tools.Count);
            for (var i = 0; i < Tools.Count; i++)
            {
                Tools[i].Write(ref writer);
            }
        }

        writer.WriteArrayHeader(Profiles.Count);
        for (var i = 0; i < Profiles.Count; i++)
        {
            writer.Write(Profiles[i]);
        }

        writer.WriteNullable(Format);
        writer.Write(Transform);
    }

    /// <summary>Reads the body.</summary>
    public static ToolSetRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 6);
        var action = (ToolSetAction)reader.ReadEnum("TOOLSET.action", (int)ToolSetAction.Export);
        var name = reader.ReadNullableString("TOOLSET.name", MaxNameBytes);
        if ((name is null) != (action == ToolSetAction.List))
        {
            ProtocolErrors.BadValue("TOOLSET.name", action == ToolSetAction.List ? "LIST takes no name." : "name the tool set.");
        }

        ToolSetTool[]? tools = null;
        if (!reader.TryReadNil())
        {
            var count = reader.ReadArrayHeader("TOOLSET.tools", MaxTools, ToolSetTool.MinEncodedBytes);
            tools = new ToolSetTool[count];
            for (var i = 0; i < count; i++)
            {
                tools[i] = ToolSetTool.Read(ref reader);
            }
        }

        if ((tools is null) == (action == ToolSetAction.Put))
        {
            ProtocolErrors.BadValue("TOOLSET.tools", action == ToolSetAction.Put ? "PUT needs the tools." : "only PUT takes tools.");
        }

        var profileCount = reader.ReadArrayHeader("TOOLSET.profiles", MaxProfiles);
        string[] profiles = profileCount == 0 ? [] : new string[profileCount];
        for (var i = 0; i < profileCount; i++)
        {
            profiles[i] = reader.ReadString("TOOLSET.profiles[]", ProtocolLimits.MaxShortStringBytes);
        }

        var format = reader.ReadNullableString("TOOLSET.format", ProtocolLimits.MaxShortStringBytes);
        if (action == ToolSetAction.Export && format is null)
        {
            ProtocolErrors.BadValue("TOOLSET.format", "EXPORT needs a format (openai, anthropic, gemini or mcp).");
        }

        var transform = reader.ReadBoolean("TOOLSET.transform");
        reader.EndBody(Shape, extra);
        return new ToolSetRequest { Action = action, Name = name, Tools = tools, Profiles = profiles, Format = format, Transform = transform };
    }
}

/// <summary>
/// TOOLSET's response: <c>[names: [str] | nil, set: toolSet | nil, created: bool, result: bin | nil]</c>. LIST fills
/// <c>names</c>; GET and PUT fill <c>set</c> (PUT says in <c>created</c> whether the set is new); CHECK and EXPORT
/// fill <c>result</c> with the UTF-8 JSON the HTTP API answers, byte for byte (the check's
/// <c>{"name", "accepted", "reports"}</c>, the export in the provider's tools format); DELETE fills nothing.
/// </summary>
public sealed record ToolSetResponse : IResponseBody
{
    private const string Shape = "TOOLSET response";

    /// <summary>The set names of a LIST, in ordinal order.</summary>
    public IReadOnlyList<string>? Names { get; init; }

    /// <summary>The set of a GET or PUT.</summary>
    public ToolSetBody? Set { get; init; }

    /// <summary>PUT: true when the set did not exist before.</summary>
    public bool Created { get; init; }

    /// <summary>CHECK and EXPORT: the JSON the HTTP API answers.</summary>
    public ReadOnlyMemory<byte>? Result { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        if (Names is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.WriteArrayHeader(Names.Count);
            for (var i = 0; i < Names.Count; i++)
            {
                writer.Write(Names[i]);
            }
        }

        if (Set is null)
        {
            writer.WriteNil();
        }
        else
        {
            Set.Write(ref writer);
        }

        writer.Write(Created);
        if (Result is { } result)
        {
            writer.WriteBlob(result.Span);
        }
        else
        {
            writer.WriteNil();
        }
    }

    /// <summary>Reads the body.</summary>
    public static ToolSetResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        string[]? names = null;
        if (!reader.TryReadNil())
        {
            var count = reader.ReadArrayHeader("TOOLSET.names", ProtocolLimits.MaxListItems);
            names = new string[count];
            for (var i = 0; i < count; i++)
            {
                names[i] = reader.ReadString("TOOLSET.names[]", ToolSetRequest.MaxNameBytes);
            }
        }

        var set = reader.TryReadNil() ? null : ToolSetBody.Read(ref reader);
        var created = reader.ReadBoolean("TOOLSET.created");

        // Not a conditional expression: null converts to ReadOnlyMemory<byte> (through byte[]) and would become empty.
        ReadOnlyMemory<byte>? result = null;
        if (reader.ReadNullableBinary("TOOLSET.result", int.MaxValue) is { } bytes)
        {
            result = bytes.ToArray();
        }

        reader.EndBody(Shape, extra);
        return new ToolSetResponse { Names = names, Set = set, Created = created, Result = result };
    }
}
