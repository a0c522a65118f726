using System.Buffers.Binary;
using Registry.Engine.Model;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Storage.Tiers;

/// <summary>
/// The bytes the shared cache and the invalidation channel carry: small versioned binary forms written and read by
/// hand (no reflection) with <see cref="TierWriter"/> and <see cref="TierReader"/>. Every reader treats what it is given
/// as untrusted: a length is checked against the bytes present before anything is allocated, and anything malformed
/// decodes as "not there" (a miss), never an exception.
/// </summary>
public static class TierCodec
{
    private const byte Format = 1;

    // Configurations carry the default draft since format 2; format-1 ones (an older replica's) still read.
    private const byte ConfigFormat = 2;

    // A configuration with contract settings (and the default draft) since format 3; an older replica reads it as a
    // miss and asks the store.
    private const byte ContractConfigFormat = 3;

    // Snapshots carry the subject's aliases since format 2; a format-1 snapshot (an older replica's) reads as a miss.
    private const byte SnapshotFormat = 2;
    private const int HexLength = 64;

    /// <summary>Offset of the 64 hex digits of the content SHA-256 in an encoded schema entry (read by the cache's script).</summary>
    public const int SchemaEntryHexOffset = 1;

    // ---- Schema entries (metadata without content) -------------------------------------------------------------

    /// <summary>A schema's metadata; the content is stored once, under its SHA-256.</summary>
    public static byte[] EncodeSchemaEntry(SchemaEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var w = new TierWriter(128);
        w.Byte(Format);
        w.Ascii(Convert.ToHexStringLower(entry.ContentSha256.Span));
        w.Bytes(entry.ContentHash.Span);
        w.String(entry.SchemaType);
        w.Int32(entry.References.Count);
        foreach (var r in entry.References)
        {
            w.String(r.Name);
            w.String(r.Subject);
            w.Int32(r.Version);
        }

        return w.ToArray();
    }

    /// <summary>Reads what <see cref="EncodeSchemaEntry"/> wrote, for schema <paramref name="id"/>.</summary>
    public static SchemaEntry? DecodeSchemaEntry(long id, ReadOnlySpan<byte> bytes)
    {
        var r = new TierReader(bytes);
        if (!r.Byte(out var format) || format != Format || !r.Ascii(HexLength, out var hex) || !r.Bytes(out var contentHash)
            || !r.String(out var type) || type is null || !r.Count(12, out var count))
        {
            return null;
        }

        byte[] sha;
        try
        {
            sha = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }

        var references = new SchemaReference[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.String(out var name) || name is null || !r.String(out var subject) || subject is null || !r.Int32(out var version))
            {
                return null;
            }

            references[i] = new SchemaReference(name, subject, version);
        }

        return r.AtEnd ? new SchemaEntry(id, type, contentHash, sha, references) : null;
    }

    // ---- Subject snapshots ------------------------------------------------------------------------------------

    /// <summary>A subject's revision and versions, or the fact that it has no row (<paramref name="snapshot"/> null).</summary>
    public static byte[] EncodeSnapshot(SubjectSnapshot? snapshot)
    {
        var w = new TierWriter(snapshot is null ? 8 : 64 + (snapshot.Versions.Count * 64) + (snapshot.Aliases.Count * 48));
        w.Byte(SnapshotFormat);
        w.Byte(snapshot is null ? (byte)0 : (byte)1);
        if (snapshot is not null)
        {
            w.Int64(snapshot.Revision);
            w.Int32(snapshot.Versions.Count);
            foreach (var v in snapshot.Versions)
            {
                w.Int32(v.Version);
                w.Int64(v.SchemaId);
                w.Byte((byte)v.State);
                w.Byte(v.IsDeleted ? (byte)1 : (byte)0);
                w.String(v.Semver);
                w.String(RecordJson.WriteMetadata(v.Metadata));
                w.String(RecordJson.WriteDeprecation(v.Deprecation));
                w.Int64(v.CreatedAt.ToUnixTimeMilliseconds());
                w.String(v.CreatedBy);
                w.Int64(v.UpdatedAt.ToUnixTimeMilliseconds());
            }

            w.Int32(snapshot.Aliases.Count);
            foreach (var a in snapshot.Aliases)
            {
                w.String(a.Name);
                w.Int32(a.Version);
                w.Byte(a.Protected ? (byte)1 : (byte)0);
                w.Int64(a.UpdatedAt.ToUnixTimeMilliseconds());
                w.String(a.UpdatedBy);
            }
        }

        return w.ToArray();
    }

    /// <summary>Reads what <see cref="EncodeSnapshot"/> wrote; false when the bytes are malformed.</summary>
    public static bool TryDecodeSnapshot(string subject, ReadOnlySpan<byte> bytes, out SubjectSnapshot? snapshot)
    {
        snapshot = null;
        var r = new TierReader(bytes);
        if (!r.Byte(out var format) || format != SnapshotFormat || !r.Byte(out var present) || present > 1)
        {
            return false;
        }

        if (present == 0)
        {
            return r.AtEnd;
        }

        // 34 bytes is the smallest encoded version: the count cannot promise more versions than the bytes hold.
        if (!r.Int64(out var revision) || !r.Count(34, out var count))
        {
            return false;
        }

        var versions = new VersionRecord[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (!r.Int32(out var version) || !r.Int64(out var schemaId) || !r.Byte(out var state) || !r.Byte(out var deleted)
                    || !r.String(out var semver) || !r.String(out var metadata) || !r.String(out var deprecation)
                    || !r.Int64(out var createdAt) || !r.String(out var createdBy) || !r.Int64(out var updatedAt)
                    || !Enum.IsDefined((LifecycleState)state))
                {
                    return false;
                }

                versions[i] = new VersionRecord
                {
                    Subject = subject,
                    Version = version,
                    SchemaId = schemaId,
                    State = (LifecycleState)state,
                    IsDeleted = deleted != 0,
                    Semver = semver,
                    Metadata = RecordJson.ReadMetadata(metadata),
                    Deprecation = RecordJson.ReadDeprecation(deprecation),
                    CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(createdAt),
                    CreatedBy = createdBy,
                    UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(updatedAt),
                };
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            return false;
        }

        // 21 bytes is the smallest encoded alias (two empty strings of 4-byte length each).
        if (!r.Count(21, out var aliasCount))
        {
            return false;
        }

        var aliases = new AliasRecord[aliasCount];
        for (var i = 0; i < aliasCount; i++)
        {
            if (!r.String(out var name) || name is null || !r.Int32(out var version) || !r.Byte(out var isProtected) || isProtected > 1
                || !r.Int64(out var updatedAt) || !r.String(out var updatedBy) || updatedAt < -62135596800000 || updatedAt > 253402300799999)
            {
                return false;
            }

            aliases[i] = new AliasRecord(name, version, isProtected == 1, DateTimeOffset.FromUnixTimeMilliseconds(updatedAt), updatedBy);
        }

        if (!r.AtEnd)
        {
            return false;
        }

        snapshot = new SubjectSnapshot(subject, revision, versions) { Aliases = aliases };
        return true;
    }

    // ---- Configuration ----------------------------------------------------------------------------------------

    /// <summary>
    /// The settings of one scope: format byte (2), compatibility, policy, mode, format assertion and default draft
    /// (each 0 when not set; the draft as 1 for draft-04 up to 5 for 2020-12), then, when
    /// profiles are set, their names as UTF-8 text (see <see cref="ConfigProfiles.Format"/>) ending in ';'. With
    /// contract settings: format byte 3, the same five bytes, then the profiles and the settings' JSON as length-prefixed
    /// strings.
    /// </summary>
    public static byte[] EncodeConfig(ConfigRecord config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Contract is { } contract)
        {
            // With contract settings: format 3, the same five settings, then profiles and the settings' JSON as strings.
            var w = new TierWriter(128);
            w.Byte(ContractConfigFormat);
            w.Byte(config.Compatibility is { } cl ? (byte)(1 + (int)cl) : (byte)0);
            w.Byte(config.Policy is { } cp ? (byte)(1 + (int)cp) : (byte)0);
            w.Byte(config.Mode is { } cm ? (byte)(1 + (int)cm) : (byte)0);
            w.Byte(config.FormatAssertion is { } cf ? (byte)(cf ? 2 : 1) : (byte)0);
            w.Byte(config.DefaultDraft is { } cd ? DraftByte(cd) : (byte)0);
            w.String(config.Profiles is { } list ? ConfigProfiles.Format(list) : null);
            w.String(ContractJson.ToJson(contract));
            return w.ToArray();
        }

        byte[] head =
        [
            ConfigFormat,
            config.Compatibility is { } c ? (byte)(1 + (int)c) : (byte)0,
            config.Policy is { } p ? (byte)(1 + (int)p) : (byte)0,
            config.Mode is { } m ? (byte)(1 + (int)m) : (byte)0,
            config.FormatAssertion is { } f ? (byte)(f ? 2 : 1) : (byte)0,
            config.DefaultDraft is { } d ? DraftByte(d) : (byte)0,
        ];

        return config.Profiles is { } profiles ? [.. head, .. System.Text.Encoding.UTF8.GetBytes(ConfigProfiles.Format(profiles) + ";")] : head;
    }

    /// <summary>
    /// Reads what <see cref="EncodeConfig"/> wrote (format 2 or 3), or the format-1 forms of older replicas (no default draft: four
    /// bytes from before format assertion, or five and the profiles); null when malformed.
    /// </summary>
    public static ConfigRecord? DecodeConfig(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 0 && bytes[0] == ContractConfigFormat)
        {
            return DecodeContractConfig(bytes);
        }

        var headLength = bytes.Length > 0 && bytes[0] == ConfigFormat ? 6 : 5;
        if (bytes.Length < 4 || (bytes[0] != Format && bytes[0] != ConfigFormat) || (bytes.Length > 4 && bytes[4] > 2)
            || (bytes[0] == ConfigFormat && bytes.Length < headLength))
        {
            return null;
        }

        JsonSchemaDraft? draft = null;
        if (bytes[0] == ConfigFormat && bytes[5] != 0)
        {
            draft = DraftOfByte(bytes[5]);
            if (draft is null)
            {
                return null;
            }
        }

        IReadOnlyList<string>? profiles = null;
        if (bytes.Length > headLength)
        {
            var text = System.Text.Encoding.UTF8.GetString(bytes[headLength..]);
            if (!text.EndsWith(';'))
            {
                return null;
            }

            profiles = ConfigProfiles.Parse(text[..^1]);
        }

        var level = bytes[1] == 0 ? (CompatibilityLevel?)null : (CompatibilityLevel)(bytes[1] - 1);
        var policy = bytes[2] == 0 ? (CompatibilityPolicy?)null : (CompatibilityPolicy)(bytes[2] - 1);
        var mode = bytes[3] == 0 ? (RegistryMode?)null : (RegistryMode)(bytes[3] - 1);
        var formats = bytes.Length > 4 && bytes[4] != 0 ? bytes[4] == 2 : (bool?)null;
        if ((level is { } l && !Enum.IsDefined(l)) || (policy is { } pl && !Enum.IsDefined(pl)) || (mode is { } md && !Enum.IsDefined(md)))
        {
            return null;
        }

        return level is null && policy is null && mode is null && formats is null && profiles is null && draft is null
            ? ConfigRecord.Empty
            : new ConfigRecord { Compatibility = level, Policy = policy, Mode = mode, FormatAssertion = formats, Profiles = profiles, DefaultDraft = draft };
    }

    private static byte DraftByte(JsonSchemaDraft draft) => draft switch
    {
        JsonSchemaDraft.Draft4 => 1,
        JsonSchemaDraft.Draft6 => 2,
        JsonSchemaDraft.Draft7 => 3,
        JsonSchemaDraft.Draft201909 => 4,
        _ => 5,
    };

    private static JsonSchemaDraft? DraftOfByte(byte value) => value switch
    {
        1 => JsonSchemaDraft.Draft4,
        2 => JsonSchemaDraft.Draft6,
        3 => JsonSchemaDraft.Draft7,
        4 => JsonSchemaDraft.Draft201909,
        5 => JsonSchemaDraft.Draft202012,
        _ => null,
    };

    private static ConfigRecord? DecodeContractConfig(ReadOnlySpan<byte> bytes)
    {
        var r = new TierReader(bytes);
        if (!r.Byte(out _) || !r.Byte(out var c) || !r.Byte(out var p) || !r.Byte(out var m) || !r.Byte(out var f) || f > 2
            || !r.Byte(out var d) || !r.String(out var profiles) || !r.String(out var json) || json is null)
        {
            return null;
        }

        var level = c == 0 ? (CompatibilityLevel?)null : (CompatibilityLevel)(c - 1);
        var policy = p == 0 ? (CompatibilityPolicy?)null : (CompatibilityPolicy)(p - 1);
        var mode = m == 0 ? (RegistryMode?)null : (RegistryMode)(m - 1);
        if ((level is { } l && !Enum.IsDefined(l)) || (policy is { } pl && !Enum.IsDefined(pl)) || (mode is { } md && !Enum.IsDefined(md)))
        {
            return null;
        }

        JsonSchemaDraft? draft = null;
        if (d != 0)
        {
            draft = DraftOfByte(d);
            if (draft is null)
            {
                return null;
            }
        }

        ContractConfig? contract;
        try
        {
            contract = ContractJson.ReadConfig(json);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }

        return new ConfigRecord
        {
            Compatibility = level,
            Policy = policy,
            Mode = mode,
            FormatAssertion = f == 0 ? null : f == 2,
            Profiles = profiles is null ? null : ConfigProfiles.Parse(profiles),
            DefaultDraft = draft,
            Contract = contract,
        };
    }

    // ---- Schema usage -----------------------------------------------------------------------------------------

    /// <summary>The versions that use a schema id.</summary>
    public static byte[] EncodeUsages(IReadOnlyList<VersionUsage> usages)
    {
        ArgumentNullException.ThrowIfNull(usages);
        var w = new TierWriter(16 + (usages.Count * 32));
        w.Byte(Format);
        w.Int32(usages.Count);
        foreach (var u in usages)
        {
            w.String(u.Subject);
            w.Int32(u.Version);
            w.Int64(u.SchemaId);
            w.Byte((byte)u.State);
            w.Byte(u.IsDeleted ? (byte)1 : (byte)0);
        }

        return w.ToArray();
    }

    /// <summary>Reads what <see cref="EncodeUsages"/> wrote; null when malformed.</summary>
    public static IReadOnlyList<VersionUsage>? DecodeUsages(ReadOnlySpan<byte> bytes)
    {
        var r = new TierReader(bytes);
        if (!r.Byte(out var format) || format != Format || !r.Count(18, out var count))
        {
            return null;
        }

        var list = new VersionUsage[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.String(out var subject) || subject is null || !r.Int32(out var version) || !r.Int64(out var id)
                || !r.Byte(out var state) || !r.Byte(out var deleted) || !Enum.IsDefined((LifecycleState)state))
            {
                return null;
            }

            list[i] = new VersionUsage(subject, version, id, (LifecycleState)state, deleted != 0);
        }

        return r.AtEnd ? list : null;
    }

    // ---- Invalidation messages --------------------------------------------------------------------------------

    /// <summary>An invalidation as sent to the other replicas.</summary>
    public static byte[] EncodeInvalidation(Invalidation message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var w = new TierWriter(64 + (message.SchemaIds.Count * 8));
        w.Byte(Format);
        w.Bytes(message.Origin.ToByteArray());
        w.Int64(message.Sequence);
        w.Byte((byte)message.Kind);
        w.String(message.Subject);
        w.Int32(message.SchemaIds.Count);
        foreach (var id in message.SchemaIds)
        {
            w.Int64(id);
        }

        return w.ToArray();
    }

    /// <summary>Reads what <see cref="EncodeInvalidation"/> wrote; null when malformed.</summary>
    public static Invalidation? DecodeInvalidation(ReadOnlySpan<byte> bytes)
    {
        var r = new TierReader(bytes);
        if (!r.Byte(out var format) || format != Format || !r.Bytes(out var origin) || origin.Length != 16
            || !r.Int64(out var sequence) || !r.Byte(out var kind) || !Enum.IsDefined((InvalidationKind)kind)
            || !r.String(out var subject) || !r.Count(8, out var count))
        {
            return null;
        }

        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            if (!r.Int64(out ids[i]))
            {
                return null;
            }
        }

        return r.AtEnd ? new Invalidation(new Guid(origin), sequence, (InvalidationKind)kind, subject, ids) : null;
    }

    /// <summary>An acknowledgement: the sequence number of the invalidation applied.</summary>
    public static byte[] EncodeAcknowledgement(long sequence)
    {
        var bytes = new byte[9];
        bytes[0] = Format;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), sequence);
        return bytes;
    }

    /// <summary>Reads what <see cref="EncodeAcknowledgement"/> wrote.</summary>
    public static bool TryDecodeAcknowledgement(ReadOnlySpan<byte> bytes, out long sequence)
    {
        sequence = 0;
        if (bytes.Length != 9 || bytes[0] != Format)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]);
        return true;
    }
}
