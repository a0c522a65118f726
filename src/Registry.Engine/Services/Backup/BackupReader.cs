// Over 500 lines on purpose: reads the archive line by line with the check of hostile input for each record kind next to the
// field it guards (sizes, hashes, references, order), so the file is the one place to audit what a restore accepts.
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Registry.Engine.Model;
using Registry.Engine.Schemas;
using Registry.Engine.Storage;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services.Backup;

/// <summary>
/// Reads a backup as it arrives and turns it into store records, checking everything a hostile file could get wrong:
/// line length, JSON, the header's format and version, section names and order, every record's fields (the engine's
/// rules for names, versions, states, metadata, schema content), record counts and every SHA-256 of the manifest,
/// and that nothing follows the manifest. A fault throws <see cref="RegistryErrorCode.InvalidRequest"/> naming the line;
/// since the checksums can only be checked at the end, the caller writes inside a transaction that the exception rolls back.
/// </summary>
internal sealed class BackupReader
{
    private readonly PipeReader _pipe;
    private readonly RegistryEngineOptions _options;
    private readonly int _maxLineBytes;

    /// <summary>The sections of the backup's format version (a prefix of <see cref="BackupFormat.Sections"/>); known after the header.</summary>
    private int _sections = BackupFormat.Sections.Count;
    private byte[] _line = new byte[4096];
    private long _lineNumber;
    private long _bytes;

    public BackupReader(Stream source, RegistryEngineOptions options)
    {
        _pipe = PipeReader.Create(source, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _options = options;
        _maxLineBytes = BackupFormat.MaxLineBytes(options.Limits.MaxSchemaBytes);
    }

    /// <summary>The backup's format version; known after the header.</summary>
    public int FormatVersion { get; private set; }

    /// <summary>Records per section, counted so far (sections that the backup's format version lacks count none).</summary>
    public long[] Counts { get; } = new long[BackupFormat.Sections.Count];

    public long Bytes => _bytes;

    /// <summary>Reads and checks the header line; call before <see cref="RecordsAsync"/>.</summary>
    public async Task<string> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line is not { } header)
        {
            throw Damaged("the backup is empty");
        }

        using var document = Parse(header);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || Text(root, "format") != BackupFormat.Name)
        {
            throw Damaged($"this is not a registry backup (the first line has no \"format\": \"{BackupFormat.Name}\")");
        }

        var version = Int(root, "format_version");
        if (version > BackupFormat.Version || version < 1)
        {
            throw Damaged($"the backup has format version {version.ToString(CultureInfo.InvariantCulture)}; this registry reads versions up to {BackupFormat.Version.ToString(CultureInfo.InvariantCulture)}");
        }

        FormatVersion = version;
        _sections = BackupFormat.SectionCount(version);

        if (!root.TryGetProperty("sections", out var sections) || sections.ValueKind != JsonValueKind.Array)
        {
            throw Damaged("the header lists no sections");
        }

        var i = 0;
        foreach (var section in sections.EnumerateArray())
        {
            var name = section.ValueKind == JsonValueKind.String ? section.GetString() : null;
            if (i >= _sections || name != BackupFormat.Sections[i])
            {
                throw Damaged(BackupFormat.Sections.Contains(name ?? "")
                    ? $"the header lists section '{name}' out of order"
                    : $"the backup has a section '{name}' that this registry does not know; restore it with the release that wrote it or a later one");
            }

            i++;
        }

        if (i != _sections)
        {
            throw Damaged($"the header lacks the section '{BackupFormat.Sections[i]}'");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, header);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Every record, then a check of the manifest against what was read (which throws when anything differs).</summary>
    public async IAsyncEnumerable<ArchiveRecord> RecordsAsync(string headerHash, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var hashes = new string[_sections];
        var section = -1;
        while (true)
        {
            var read = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (read is not { } line)
            {
                throw Damaged("the backup ends before its manifest (it is truncated)");
            }

            using var document = Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Damaged("a line is not a JSON object");
            }

            if (root.TryGetProperty("section", out var marker))
            {
                var name = marker.ValueKind == JsonValueKind.String ? marker.GetString() : null;
                var next = section + 1;
                if (next >= _sections || name != BackupFormat.Sections[next])
                {
                    throw Damaged(next < _sections
                        ? $"section '{BackupFormat.Sections[next]}' was expected here, not '{name}'"
                        : $"section '{name}' comes after the last section");
                }

                if (section >= 0)
                {
                    hashes[section] = Convert.ToHexStringLower(hash.GetHashAndReset());
                }

                section = next;
                Append(hash, line);
                continue;
            }

            if (root.TryGetProperty("manifest", out var manifest))
            {
                if (section != _sections - 1)
                {
                    throw Damaged($"the manifest comes before the section '{BackupFormat.Sections[section + 1]}' (sections are missing)");
                }

                hashes[section] = Convert.ToHexStringLower(hash.GetHashAndReset());
                CheckManifest(manifest, headerHash, hashes);
                if (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    throw Damaged("something follows the manifest");
                }

                yield break;
            }

            if (section < 0)
            {
                throw Damaged("a record comes before the first section");
            }

            Append(hash, line);
            Counts[section]++;
            yield return Record(section, root);
        }
    }

    private void CheckManifest(JsonElement manifest, string headerHash, string[] hashes)
    {
        if (manifest.ValueKind != JsonValueKind.Object || !manifest.TryGetProperty("sections", out var sections) || sections.ValueKind != JsonValueKind.Array)
        {
            throw Damaged("the manifest lists no sections");
        }

        if (!string.Equals(Text(manifest, "header_sha256"), headerHash, StringComparison.Ordinal))
        {
            throw Damaged("the header does not match its SHA-256 in the manifest");
        }

        var i = 0;
        foreach (var entry in sections.EnumerateArray())
        {
            if (i >= _sections || entry.ValueKind != JsonValueKind.Object || Text(entry, "name") != BackupFormat.Sections[i])
            {
                throw Damaged("the manifest's sections differ from the header's");
            }

            var records = entry.TryGetProperty("records", out var r) && r.TryGetInt64(out var n) ? n : -1;
            if (records != Counts[i])
            {
                throw Damaged($"section '{BackupFormat.Sections[i]}' has {Counts[i].ToString(CultureInfo.InvariantCulture)} records; the manifest says {records.ToString(CultureInfo.InvariantCulture)}");
            }

            if (!string.Equals(Text(entry, "sha256"), hashes[i], StringComparison.Ordinal))
            {
                throw Damaged($"section '{BackupFormat.Sections[i]}' does not match its SHA-256 in the manifest (the file was changed or damaged)");
            }

            i++;
        }

        if (i != _sections)
        {
            throw Damaged("the manifest's sections differ from the header's");
        }
    }

    private ArchiveRecord Record(int section, JsonElement root)
    {
        try
        {
            return section switch
            {
                BackupFormat.SchemasSection => Schema(root),
                BackupFormat.SubjectsSection => Subject(root),
                BackupFormat.VersionsSection => new ArchivedVersion(Version(root)),
                BackupFormat.ConfigSection => Config(root),
                BackupFormat.AliasesSection => Alias(root),
                _ => AliasMove(root),
            };
        }
        catch (RegistryException e) when (e.Code != RegistryErrorCode.InvalidRequest || !e.Message.StartsWith("The backup", StringComparison.Ordinal))
        {
            throw Damaged(e.Message.TrimEnd('.'));
        }
        catch (InvalidOperationException)
        {
            // Strings that are not valid UTF-16 once unescaped (a lone surrogate).
            throw Damaged("a string is not valid text");
        }
    }

    private ArchivedSchema Schema(JsonElement root)
    {
        var id = Long(root, "id");
        if (id < 1)
        {
            throw Damaged("a schema id is below 1");
        }

        var type = Text(root, "schema_type") ?? "JSON";
        if (!EngineInfo.SupportedSchemaTypes.Contains(type))
        {
            throw Damaged($"schema {id.ToString(CultureInfo.InvariantCulture)} has the unsupported type '{type}'");
        }

        if (Text(root, "dialect") is { } dialect)
        {
            type = SchemaRecord.StoredTypeOf(type, JsonSchemaDrafts.Parse(dialect)
                ?? throw Damaged($"schema {id.ToString(CultureInfo.InvariantCulture)} has the unknown dialect '{dialect}'"));
        }

        var text = Text(root, "schema") ?? throw Damaged($"schema {id.ToString(CultureInfo.InvariantCulture)} has no content");
        var content = Encoding.UTF8.GetBytes(text);
        if (content.Length > _options.Limits.MaxSchemaBytes)
        {
            throw Damaged($"schema {id.ToString(CultureInfo.InvariantCulture)} is {content.Length.ToString(CultureInfo.InvariantCulture)} bytes; the limit is {_options.Limits.MaxSchemaBytes.ToString(CultureInfo.InvariantCulture)}");
        }

        var references = new List<SchemaReference>();
        if (root.TryGetProperty("references", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw Damaged("\"references\" is not an array");
            }

            foreach (var item in list.EnumerateArray())
            {
                var name = Text(item, "name");
                var subject = Text(item, "subject");
                var version = Int(item, "version");
                if (string.IsNullOrEmpty(name) || SubjectName.Check(subject) is not null || version < 1)
                {
                    throw Damaged($"schema {id.ToString(CultureInfo.InvariantCulture)} has a reference without a name, a valid subject or a version from 1");
                }

                references.Add(new SchemaReference(name, subject!, version));
            }
        }

        var identity = SchemaIdentity.Compute(type, content, references, _options.Limits.MaxDepth);

        // The data contract of the id's versions is part of its identity, so of the fingerprint computed here.
        DataContract? contract = null;
        if (root.TryGetProperty("contract", out var c) && c.ValueKind == JsonValueKind.Object)
        {
            try
            {
                contract = ContractRules.Normalize(ContractJson.ReadContract(c));
            }
            catch (Exception e) when (e is FormatException or RegistryException)
            {
                throw Damaged($"schema {id.ToString(CultureInfo.InvariantCulture)} has an invalid data contract: {e.Message}");
            }
        }

        identity = identity.WithContract(contract);
        return new ArchivedSchema(id, type, identity.Fingerprint, identity.ContentHash, content, identity.References, Time(root, "created_at")) { Contract = contract };
    }

    private ArchivedSubject Subject(JsonElement root)
    {
        var name = SubjectOf(root);
        var next = Int(root, "next_version");
        if (next < 1)
        {
            throw Damaged($"subject '{name}' has a next version below 1");
        }

        return new ArchivedSubject(name, next, Time(root, "created_at"));
    }

    private VersionRecord Version(JsonElement root)
    {
        var subject = SubjectOf(root);
        var version = Int(root, "version");
        var schemaId = Long(root, "schema_id");
        if (version < 1 || schemaId < 1)
        {
            throw Damaged($"a version of subject '{subject}' has a number or schema id below 1");
        }

        if (!Lifecycle.TryParse(Text(root, "state"), out var state))
        {
            throw Damaged($"version {version.ToString(CultureInfo.InvariantCulture)} of subject '{subject}' has no valid state");
        }

        var semver = Text(root, "semver");
        if (semver is not null && !SemanticVersion.TryParse(semver, out _))
        {
            throw Damaged($"version {version.ToString(CultureInfo.InvariantCulture)} of subject '{subject}' has an invalid semantic version '{semver}'");
        }

        var metadata = VersionMetadata.Empty;
        if (root.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            var tags = new List<string>();
            if (m.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array)
            {
                foreach (var tag in t.EnumerateArray())
                {
                    tags.Add(tag.ValueKind == JsonValueKind.String ? tag.GetString()! : throw Damaged("a tag is not a string"));
                }
            }

            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            if (m.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in p.EnumerateObject())
                {
                    properties[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : throw Damaged("a property value is not a string");
                }
            }

            DataContract? contract = null;
            if (m.TryGetProperty("contract", out var c) && c.ValueKind == JsonValueKind.Object)
            {
                try
                {
                    contract = ContractRules.Normalize(ContractJson.ReadContract(c));
                }
                catch (Exception e) when (e is FormatException or RegistryException)
                {
                    throw Damaged($"version {version.ToString(CultureInfo.InvariantCulture)} of subject '{subject}' has an invalid data contract: {e.Message}");
                }
            }

            metadata = new VersionMetadata { Description = Text(m, "description"), Owner = Text(m, "owner"), Tags = tags, Properties = properties, Contract = contract };
            MetadataRules.Validate(metadata);
        }

        Deprecation? deprecation = null;
        if (root.TryGetProperty("deprecation", out var d) && d.ValueKind == JsonValueKind.Object)
        {
            deprecation = new Deprecation
            {
                Reason = Bounded(Text(d, "reason")),
                Sunset = d.TryGetProperty("sunset", out _) ? Time(d, "sunset") : null,
                Replacement = Bounded(Text(d, "replacement")),
            };
        }

        return new VersionRecord
        {
            Subject = subject,
            Version = version,
            SchemaId = schemaId,
            State = state,
            IsDeleted = root.TryGetProperty("deleted", out var deleted) && deleted.ValueKind == JsonValueKind.True,
            Semver = semver,
            Metadata = metadata,
            Deprecation = deprecation,
            CreatedAt = Time(root, "created_at"),
            CreatedBy = Bounded(Text(root, "created_by")),
            UpdatedAt = Time(root, "updated_at"),
        };
    }

    private ArchivedConfig Config(JsonElement root)
    {
        string? subject = null;
        if (root.TryGetProperty("subject", out var s) && s.ValueKind != JsonValueKind.Null)
        {
            subject = SubjectOf(root);
        }

        var config = new ConfigRecord
        {
            Compatibility = Setting(root, "compatibility", static (string? v, out Registry.Schemas.Compatibility.CompatibilityLevel l) => ConfigNames.TryParseLevel(v, out l)),
            Policy = Setting(root, "policy", static (string? v, out Registry.Schemas.Compatibility.CompatibilityPolicy p) => ConfigNames.TryParsePolicy(v, out p)),
            Mode = Setting(root, "mode", static (string? v, out RegistryMode m) => ConfigNames.TryParseMode(v, out m)),
            Profiles = Profiles(root),
            FormatAssertion = root.TryGetProperty("format_assertion", out var f) && f.ValueKind != JsonValueKind.Null
                ? f.ValueKind is JsonValueKind.True or JsonValueKind.False ? f.GetBoolean() : throw Damaged("\"format_assertion\" is not true or false")
                : null,
            DefaultDraft = Text(root, "default_draft") is { } draft
                ? JsonSchemaDrafts.Parse(draft) ?? throw Damaged($"\"default_draft\" is not a draft: '{draft}'")
                : null,
            Contract = ContractSettings(root),
        };
        return new ArchivedConfig(subject, config);
    }

    private ContractConfig? ContractSettings(JsonElement root)
    {
        if (!root.TryGetProperty("contract", out var c) || c.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            var contract = ContractRules.Normalize(ContractJson.ReadConfig(c));
            return contract.IsEmpty ? null : contract;
        }
        catch (Exception e) when (e is FormatException or RegistryException)
        {
            throw Damaged($"a configuration has invalid contract settings: {e.Message}");
        }
    }

    private ArchivedAlias Alias(JsonElement root)
    {
        var subject = SubjectOf(root);
        var name = AliasNameOf(root, subject);
        var version = Int(root, "version");
        if (version < 1)
        {
            throw Damaged($"alias '{name}' of subject '{subject}' points at a version below 1");
        }

        return new ArchivedAlias(subject, new AliasRecord(name, version, Flag(root, "protected"), Time(root, "updated_at"), Bounded(Text(root, "updated_by"))));
    }

    private ArchivedAliasMove AliasMove(JsonElement root)
    {
        var subject = SubjectOf(root);
        var name = AliasNameOf(root, subject);
        var seq = Int(root, "seq");
        int? from = root.TryGetProperty("from", out _) ? Int(root, "from") : null;
        int? to = root.TryGetProperty("to", out _) ? Int(root, "to") : null;
        if (seq < 1 || from < 1 || to < 1 || (from is null && to is null))
        {
            throw Damaged($"an entry of the history of alias '{name}' of subject '{subject}' has a number below 1 or neither \"from\" nor \"to\"");
        }

        return new ArchivedAliasMove(subject, seq, new AliasMove(name, from, to, Flag(root, "protected"), Time(root, "at"), Bounded(Text(root, "by"))));
    }

    private string AliasNameOf(JsonElement root, string subject)
    {
        var name = Text(root, "name");
        return name is not null && AliasName.IsValid(name) ? name : throw Damaged($"an alias of subject '{subject}' has no valid name");
    }

    private bool Flag(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null
            ? false
            : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Damaged($"\"{name}\" is not true or false");

    private delegate bool TryParse<T>(string? value, out T result);

    private List<string>? Profiles(JsonElement root)
    {
        if (!root.TryGetProperty("profiles", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > ProfileService.MaxRequiredProfiles)
        {
            throw Damaged($"\"profiles\" is not an array of at most {ProfileService.MaxRequiredProfiles.ToString(CultureInfo.InvariantCulture)} profile names");
        }

        var names = new List<string>();
        foreach (var item in list.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (!Registry.Schemas.Profiles.ProviderProfiles.TryGet(name, out _))
            {
                throw Damaged($"'{name}' is not a provider profile this registry knows");
            }

            names.Add(name!);
        }

        return names;
    }

    private T? Setting<T>(JsonElement root, string name, TryParse<T> parse)
        where T : struct
    {
        var text = Text(root, name);
        if (text is null)
        {
            return null;
        }

        return parse(text, out var value) ? value : throw Damaged($"'{text}' is not a valid {name}");
    }

    private string SubjectOf(JsonElement root)
    {
        var name = Text(root, "subject");
        if (SubjectName.Check(name) is { } problem)
        {
            throw Damaged($"a subject name is not valid: {problem}");
        }

        return name!;
    }

    private string? Bounded(string? text) =>
        text is { Length: > MetadataRules.MaxTextLength } ? throw Damaged($"a text is longer than {MetadataRules.MaxTextLength.ToString(CultureInfo.InvariantCulture)} characters") : text;

    private string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Damaged($"\"{name}\" is not a string");
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            throw Damaged($"\"{name}\" is not valid text");
        }
    }

    private long Long(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n)
            ? n
            : throw Damaged($"\"{name}\" is missing or not an integer");

    private int Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw Damaged($"\"{name}\" is missing or not an integer");

    private DateTimeOffset Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time
            : throw Damaged($"\"{name}\" is missing or not a time");

    private JsonDocument Parse(ReadOnlyMemory<byte> line)
    {
        try
        {
            return JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            // The parser's own message names its internals (LineNumber: 0 | BytePositionInLine: 5): say where, for people.
            throw Damaged(e.BytePositionInLine is { } b
                ? $"the line is not valid JSON (at byte {(b + 1).ToString(CultureInfo.InvariantCulture)})"
                : "the line is not valid JSON (it ends too early)");
        }
    }

    private static void Append(IncrementalHash hash, ReadOnlyMemory<byte> line)
    {
        hash.AppendData(line.Span);
        hash.AppendData("\n"u8);
    }

    /// <summary>The next line without its newline (valid until the next call), or null at the end.</summary>
    private async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                // The source failed (a client that sent too much, bad framing, a reset): never mistaken for a failure of the
                // store that is being written to. The adapter looks at the inner exception for its own status.
                throw new RegistryException(RegistryErrorCode.InvalidRequest, $"The backup could not be read: {e.Message}", e);
            }

            var buffer = result.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } end)
            {
                var line = buffer.Slice(0, end);
                if (line.Length > _maxLineBytes)
                {
                    _pipe.AdvanceTo(buffer.Start);
                    throw Damaged($"line {(_lineNumber + 1).ToString(CultureInfo.InvariantCulture)} is longer than {_maxLineBytes.ToString(CultureInfo.InvariantCulture)} bytes");
                }

                var length = (int)line.Length;
                if (_line.Length < length)
                {
                    _line = new byte[Math.Max(length, _line.Length * 2)];
                }

                line.CopyTo(_line);
                _pipe.AdvanceTo(buffer.GetPosition(1, end));
                _lineNumber++;
                _bytes += length + 1;
                return _line.AsMemory(0, length);
            }

            if (buffer.Length > _maxLineBytes)
            {
                _pipe.AdvanceTo(buffer.Start);
                throw Damaged($"line {(_lineNumber + 1).ToString(CultureInfo.InvariantCulture)} is longer than {_maxLineBytes.ToString(CultureInfo.InvariantCulture)} bytes");
            }

            if (result.IsCompleted)
            {
                _pipe.AdvanceTo(buffer.End);
                if (buffer.Length == 0)
                {
                    return null;
                }

                _lineNumber++;
                throw Damaged("the last line is incomplete (the backup is truncated)");
            }

            _pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private RegistryException Damaged(string message) =>
        new(RegistryErrorCode.InvalidRequest, $"The backup is damaged or not valid at line {_lineNumber.ToString(CultureInfo.InvariantCulture)}: {message}.");
}
