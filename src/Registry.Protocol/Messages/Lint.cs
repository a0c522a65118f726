using System.Buffers;
using MessagePack;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Messages;

/// <summary>How far a lint got: the values of <c>status</c> in a LINT result.</summary>
public enum LintCheckStatus
{
    /// <summary>The schema was checked completely; the violations are all there are (up to the linter's cap).</summary>
    Completed = 0,

    /// <summary>The schema is not valid JSON or not a valid JSON Schema; <see cref="ProfileLintReport.Error"/> says why.</summary>
    InvalidSchema = 1,

    /// <summary>Checking needed more work than allowed; <see cref="ProfileLintReport.Error"/> says what.</summary>
    TooComplex = 2,
}

/// <summary>What a provider does with a violation: the values of <c>effect</c> in a LINT violation.</summary>
public enum LintEffect
{
    /// <summary>The provider refuses the request.</summary>
    Rejected = 0,

    /// <summary>The provider accepts the schema but does not enforce this part.</summary>
    Ignored = 1,

    /// <summary>Undocumented either way, or a recommendation.</summary>
    Advisory = 2,
}

/// <summary>
/// One way a schema breaks a provider profile. Wire: <c>[name: str, pointer: str, effect: int, message: str,
/// keyword: str | nil, limit: str | nil, actual: str | nil]</c>.
/// </summary>
/// <param name="Name">Stable name, e.g. <c>ADDITIONAL_PROPERTIES_NOT_FALSE</c>.</param>
/// <param name="Pointer">JSON pointer of the offending part (<c>#/properties/age</c>).</param>
/// <param name="Effect">Whether the provider rejects or ignores it, or it is advisory.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="Keyword">The keyword concerned, when there is one.</param>
/// <param name="Limit">The profile's limit, when the rule has one.</param>
/// <param name="Actual">The value found, when the rule has a limit.</param>
public sealed record LintViolation(string Name, string Pointer, LintEffect Effect, string Message, string? Keyword, string? Limit, string? Actual)
{
    internal const int MinEncodedBytes = 8;

    /// <summary>Writes the violation.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(7);
        writer.Write(Name);
        writer.Write(Pointer);
        writer.Write((int)Effect);
        writer.Write(Message);
        writer.WriteNullable(Keyword);
        writer.WriteNullable(Limit);
        writer.WriteNullable(Actual);
    }

    internal static LintViolation Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("violation", 7);
        var name = reader.ReadString("violation.name", ProtocolLimits.MaxShortStringBytes);
        var pointer = reader.ReadString("violation.pointer", ProtocolLimits.MaxTextBytes);
        var effect = (LintEffect)reader.ReadEnum("violation.effect", (int)LintEffect.Advisory);
        var message = reader.ReadString("violation.message", ProtocolLimits.MaxTextBytes);
        var keyword = reader.ReadNullableString("violation.keyword", ProtocolLimits.MaxShortStringBytes);
        var limit = reader.ReadNullableString("violation.limit", ProtocolLimits.MaxTextBytes);
        var actual = reader.ReadNullableString("violation.actual", ProtocolLimits.MaxTextBytes);
        reader.Skip("violation", extra);
        return new LintViolation(name, pointer, effect, message, keyword, limit, actual);
    }
}

/// <summary>
/// A schema's lint against one profile. Wire: <c>[profile: str, profileVersion: str, status: int, accepted: bool,
/// violations: [violation], error: str | nil]</c>.
/// </summary>
public sealed record ProfileLintReport
{
    internal const int MinEncodedBytes = 7;

    /// <summary>The profile's name (<c>openai-strict</c>).</summary>
    public required string Profile { get; init; }

    /// <summary>The profile's dated version.</summary>
    public required string ProfileVersion { get; init; }

    /// <summary>How far the check got.</summary>
    public LintCheckStatus Status { get; init; }

    /// <summary>True when the check completed and the provider rejects nothing.</summary>
    public bool Accepted { get; init; }

    /// <summary>Every violation found.</summary>
    public IReadOnlyList<LintViolation> Violations { get; init; } = [];

    /// <summary>Why the check did not complete; null when it did.</summary>
    public string? Error { get; init; }

    /// <summary>Writes the report.</summary>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(6);
        writer.Write(Profile);
        writer.Write(ProfileVersion);
        writer.Write((int)Status);
        writer.Write(Accepted);
        writer.WriteArrayHeader(Violations.Count);
        for (var i = 0; i < Violations.Count; i++)
        {
            Violations[i].Write(ref writer);
        }

        writer.WriteNullable(Error);
    }

    internal static ProfileLintReport Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields("lint result", 6);
        var profile = reader.ReadString("lint.profile", ProtocolLimits.MaxShortStringBytes);
        var version = reader.ReadString("lint.profileVersion", ProtocolLimits.MaxShortStringBytes);
        var status = (LintCheckStatus)reader.ReadEnum("lint.status", (int)LintCheckStatus.TooComplex);
        var accepted = reader.ReadBoolean("lint.accepted");
        var count = reader.ReadArrayHeader("lint.violations", ProtocolLimits.MaxDifferences, LintViolation.MinEncodedBytes);
        var violations = new LintViolation[count];
        for (var i = 0; i < count; i++)
        {
            violations[i] = LintViolation.Read(ref reader);
        }

        var error = reader.ReadNullableString("lint.error", ProtocolLimits.MaxTextBytes);
        reader.Skip("lint result", extra);
        return new ProfileLintReport { Profile = profile, ProfileVersion = version, Status = status, Accepted = accepted, Violations = violations, Error = error };
    }
}

/// <summary>
/// LINT's request: <c>[schema: bin | nil, subject: str | nil, version: int | str, profiles: [str]]</c>. Exactly one of
/// <c>schema</c> (a JSON Schema without references) and <c>subject</c> (a registered version, references resolved;
/// <c>version</c> &gt;= 1, -1 for latest or a str naming an alias, written 0 with a schema) is non-nil; 1 to <see cref="MaxProfiles"/> profile names.
/// </summary>
public sealed record LintRequest : IRequestBody
{
    /// <summary>Most profiles one request may name.</summary>
    public const int MaxProfiles = 16;

    private const string Shape = "LINT body";

    /// <inheritdoc />
    public static Opcode Opcode => Opcode.Lint;

    /// <summary>The schema to lint (UTF-8 JSON); null when a subject's version is linted.</summary>
    public ReadOnlyMemory<byte>? Schema { get; init; }

    /// <summary>The subject whose version is linted; null when a schema is given.</summary>
    public string? Subject { get; init; }

    /// <summary>The version (or <see cref="VersionSelector.Latest"/>); counts only with <see cref="Subject"/>.</summary>
    public int Version { get; init; } = VersionSelector.Latest;

    /// <summary>The alias whose version is linted (<see cref="Version"/> is then ignored), or null; counts only with <see cref="Subject"/>.</summary>
    public string? Alias { get; init; }

    /// <summary>The profiles to lint against (<c>openai-strict</c>, ...).</summary>
    public required IReadOnlyList<string> Profiles { get; init; }

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(4);
        if (Schema is { } schema)
        {
            writer.WriteBlob(schema.Span);
        }
        else
        {
            writer.WriteNil();
        }

        writer.WriteNullable(Subject);
        if (Subject is not null && Alias is not null)
        {
            writer.Write(Alias);
        }
        else
        {
            writer.Write(Subject is null ? 0 : Version);
        }
        writer.WriteArrayHeader(Profiles.Count);
        foreach (var profile in Profiles)
        {
            writer.Write(profile);
        }
    }

    /// <summary>Reads the body.</summary>
    public static LintRequest Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 4);
        var schema = reader.ReadNullableBinary("LINT.schema", int.MaxValue);
        var subject = reader.ReadNullableSubject("LINT.subject");
        if ((schema is null) == (subject is null))
        {
            ProtocolErrors.BadValue("LINT", "give a schema or a subject, exactly one.");
        }

        string? alias = null;
        var version = subject is not null ? VersionSelector.Read(ref reader, "LINT.version", out alias) : reader.ReadInt32("LINT.version");

        var count = reader.ReadArrayHeader("LINT.profiles", MaxProfiles);
        if (count == 0)
        {
            ProtocolErrors.BadValue("LINT.profiles", "name at least one profile.");
        }

        var profiles = new string[count];
        for (var i = 0; i < count; i++)
        {
            profiles[i] = reader.ReadString("LINT.profiles[]", ProtocolLimits.MaxShortStringBytes);
        }

        reader.EndBody(Shape, extra);

        // Not a conditional expression: null converts to ReadOnlyMemory<byte> (through byte[]) and would become empty.
        ReadOnlyMemory<byte>? content = null;
        if (schema is { } bytes)
        {
            content = bytes.ToArray();
        }

        return new LintRequest
        {
            Schema = content,
            Subject = subject,
            Version = subject is null ? 0 : version,
            Alias = alias,
            Profiles = profiles,
        };
    }
}

/// <summary>LINT's response: <c>[results: [lint result]]</c>, one per profile asked for, in the order asked.</summary>
public sealed record LintResponse : IResponseBody
{
    private const string Shape = "LINT response";

    /// <summary>One report per profile.</summary>
    public IReadOnlyList<ProfileLintReport> Results { get; init; } = [];

    /// <inheritdoc />
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(Results.Count);
        for (var i = 0; i < Results.Count; i++)
        {
            Results[i].Write(ref writer);
        }
    }

    /// <summary>Reads the body.</summary>
    public static LintResponse Read(ref ProtocolReader reader)
    {
        var extra = reader.ReadFields(Shape, 1);
        var count = reader.ReadArrayHeader("LINT.results", LintRequest.MaxProfiles, ProfileLintReport.MinEncodedBytes);
        var results = new ProfileLintReport[count];
        for (var i = 0; i < count; i++)
        {
            results[i] = ProfileLintReport.Read(ref reader);
        }

        reader.EndBody(Shape, extra);
        return new LintResponse { Results = results };
    }
}
