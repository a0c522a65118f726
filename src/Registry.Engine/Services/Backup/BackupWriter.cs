using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Registry.Engine.Model;
using Registry.Engine.Storage;
using Registry.Schemas.Validation;

namespace Registry.Engine.Services.Backup;

/// <summary>
/// Writes a backup to a stream as records arrive, holding at most one flush's worth of lines (plus one record) in
/// memory. Records must come in section order; <see cref="FinishAsync"/> writes the manifest.
/// </summary>
internal sealed class BackupWriter : IDisposable
{
    private const int FlushBytes = 64 * 1024;

    private static readonly JsonWriterOptions LineOptions = new()
    {
        // Schemas stay readable (quotes, non-ASCII) in the file; the output is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    private readonly Stream _destination;
    private readonly ArrayBufferWriter<byte> _pending = new(FlushBytes * 2);
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly IncrementalHash _sectionHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long[] _counts = new long[BackupFormat.Sections.Count];
    private readonly string[] _hashes = new string[BackupFormat.Sections.Count];
    private string _headerHash = "";
    private int _section = -1;
    private int _lastLineLength;
    private long _bytes;

    public BackupWriter(Stream destination)
    {
        _destination = destination;
        _json = new Utf8JsonWriter(_line, LineOptions);
    }

    /// <summary>Records written per section.</summary>
    public IReadOnlyList<long> Counts => _counts;

    public long Bytes => _bytes;

    public Task WriteHeaderAsync(ArchiveCounts counts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("format", BackupFormat.Name);
        w.WriteNumber("format_version", BackupFormat.Version);
        w.WriteString("created_at", now);
        w.WriteStartArray("sections");
        foreach (var name in BackupFormat.Sections)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
        w.WriteStartObject("counts");
        w.WriteNumber("schemas", counts.Schemas);
        w.WriteNumber("subjects", counts.Subjects);
        w.WriteNumber("versions", counts.Versions);
        w.WriteNumber("config", counts.Configs);
        w.WriteNumber("aliases", counts.Aliases);
        w.WriteNumber("alias_history", counts.AliasMoves);
        w.WriteEndObject();
        w.WriteEndObject();
        _headerHash = Convert.ToHexStringLower(SHA256.HashData(EndLine()));
        return FlushIfFullAsync(cancellationToken);
    }

    public async Task WriteAsync(ArchiveRecord record, CancellationToken cancellationToken)
    {
        switch (record)
        {
            case ArchivedSchema schema:
                await MoveToAsync(BackupFormat.SchemasSection, cancellationToken).ConfigureAwait(false);
                WriteSchema(schema);
                break;
            case ArchivedSubject subject:
                await MoveToAsync(BackupFormat.SubjectsSection, cancellationToken).ConfigureAwait(false);
                WriteSubject(subject);
                break;
            case ArchivedVersion version:
                await MoveToAsync(BackupFormat.VersionsSection, cancellationToken).ConfigureAwait(false);
                WriteVersion(version.Version);
                break;
            case ArchivedConfig config:
                await MoveToAsync(BackupFormat.ConfigSection, cancellationToken).ConfigureAwait(false);
                WriteConfig(config);
                break;
            case ArchivedAlias alias:
                await MoveToAsync(BackupFormat.AliasesSection, cancellationToken).ConfigureAwait(false);
                WriteAlias(alias);
                break;
            case ArchivedAliasMove move:
                await MoveToAsync(BackupFormat.AliasHistorySection, cancellationToken).ConfigureAwait(false);
                WriteAliasMove(move);
                break;
            default:
                return;
        }

        _sectionHash.AppendData(_pending.WrittenSpan[^_lastLineLength..]);
        _counts[_section]++;
        await FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the last section (and any empty ones after it), writes the manifest and flushes.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await MoveToAsync(BackupFormat.Sections.Count, cancellationToken).ConfigureAwait(false);
        var w = Begin();
        w.WriteStartObject();
        w.WriteStartObject("manifest");
        w.WriteNumber("format_version", BackupFormat.Version);
        w.WriteString("header_sha256", _headerHash);
        w.WriteStartArray("sections");
        for (var i = 0; i < BackupFormat.Sections.Count; i++)
        {
            w.WriteStartObject();
            w.WriteString("name", BackupFormat.Sections[i]);
            w.WriteNumber("records", _counts[i]);
            w.WriteString("sha256", _hashes[i]);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        EndLine();
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _json.Dispose();
        _sectionHash.Dispose();
    }

    private void WriteSchema(ArchivedSchema schema)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteNumber("id", schema.Id);
        w.WriteString("schema_type", SchemaRecord.SplitStoredType(schema.SchemaType, out var dialect));
        if (dialect is { } draft)
        {
            w.WriteString("dialect", JsonSchemaDrafts.Name(draft));
        }
        w.WriteString("schema", schema.Content.Span);
        if (schema.References.Count > 0)
        {
            w.WriteStartArray("references");
            foreach (var reference in schema.References)
            {
                w.WriteStartObject();
                w.WriteString("name", reference.Name);
                w.WriteString("subject", reference.Subject);
                w.WriteNumber("version", reference.Version);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (schema.Contract is { } contract)
        {
            // Part of the id's identity: a restore computes the fingerprint from the content, references and this.
            w.WritePropertyName("contract");
            ContractJson.Write(w, contract);
        }

        w.WriteString("created_at", schema.CreatedAt);
        w.WriteEndObject();
        EndLine();
    }

    private void WriteSubject(ArchivedSubject subject)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("subject", subject.Name);
        w.WriteNumber("next_version", subject.NextVersion);
        w.WriteString("created_at", subject.CreatedAt);
        w.WriteEndObject();
        EndLine();
    }

    private void WriteVersion(VersionRecord v)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("subject", v.Subject);
        w.WriteNumber("version", v.Version);
        w.WriteNumber("schema_id", v.SchemaId);
        w.WriteString("state", Lifecycle.Name(v.State));
        w.WriteBoolean("deleted", v.IsDeleted);
        Optional(w, "semver", v.Semver);
        if (!v.Metadata.IsEmpty)
        {
            w.WriteStartObject("metadata");
            Optional(w, "description", v.Metadata.Description);
            Optional(w, "owner", v.Metadata.Owner);
            if (v.Metadata.Tags.Count > 0)
            {
                w.WriteStartArray("tags");
                foreach (var tag in v.Metadata.Tags)
                {
                    w.WriteStringValue(tag);
                }

                w.WriteEndArray();
            }

            if (v.Metadata.Properties.Count > 0)
            {
                w.WriteStartObject("properties");
                foreach (var (key, value) in v.Metadata.Properties.OrderBy(static p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteString(key, value);
                }

                w.WriteEndObject();
            }

            if (v.Metadata.Contract is { } contract)
            {
                w.WritePropertyName("contract");
                ContractJson.Write(w, contract);
            }

            w.WriteEndObject();
        }

        if (v.Deprecation is { } deprecation)
        {
            w.WriteStartObject("deprecation");
            Optional(w, "reason", deprecation.Reason);
            if (deprecation.Sunset is { } sunset)
            {
                w.WriteString("sunset", sunset);
            }

            Optional(w, "replacement", deprecation.Replacement);
            w.WriteEndObject();
        }

        w.WriteString("created_at", v.CreatedAt);
        Optional(w, "created_by", v.CreatedBy);
        w.WriteString("updated_at", v.UpdatedAt);
        w.WriteEndObject();
        EndLine();
    }

    private void WriteConfig(ArchivedConfig config)
    {
        var w = Begin();
        w.WriteStartObject();
        Optional(w, "subject", config.Subject);
        Optional(w, "compatibility", config.Config.Compatibility is { } level ? ConfigNames.Level(level) : null);
        Optional(w, "policy", config.Config.Policy is { } policy ? ConfigNames.Policy(policy) : null);
        Optional(w, "mode", config.Config.Mode is { } mode ? ConfigNames.Mode(mode) : null);
        if (config.Config.FormatAssertion is { } formats)
        {
            w.WriteBoolean("format_assertion", formats);
        }

        Optional(w, "default_draft", config.Config.DefaultDraft is { } draft ? JsonSchemaDrafts.Name(draft) : null);

        if (config.Config.Profiles is { } profiles)
        {
            // An empty list is kept: it means "explicitly none" (overriding the registry's list).
            w.WriteStartArray("profiles");
            foreach (var profile in profiles)
            {
                w.WriteStringValue(profile);
            }

            w.WriteEndArray();
        }

        if (config.Config.Contract is { } contract)
        {
            w.WritePropertyName("contract");
            ContractJson.Write(w, contract);
        }

        w.WriteEndObject();
        EndLine();
    }

    private void WriteAlias(ArchivedAlias record)
    {
        var a = record.Alias;
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("subject", record.Subject);
        w.WriteString("name", a.Name);
        w.WriteNumber("version", a.Version);
        w.WriteBoolean("protected", a.Protected);
        w.WriteString("updated_at", a.UpdatedAt);
        Optional(w, "updated_by", a.UpdatedBy);
        w.WriteEndObject();
        EndLine();
    }

    private void WriteAliasMove(ArchivedAliasMove record)
    {
        var m = record.Move;
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("subject", record.Subject);
        w.WriteString("name", m.Name);
        w.WriteNumber("seq", record.Sequence);
        if (m.FromVersion is { } from)
        {
            w.WriteNumber("from", from);
        }

        if (m.ToVersion is { } to)
        {
            w.WriteNumber("to", to);
        }

        w.WriteBoolean("protected", m.Protected);
        w.WriteString("at", m.At);
        Optional(w, "by", m.By);
        w.WriteEndObject();
        EndLine();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>Moves on to section <paramref name="section"/>, closing the ones before it (empty ones too).</summary>
    private async Task MoveToAsync(int section, CancellationToken cancellationToken)
    {
        if (section < _section)
        {
            throw new InvalidOperationException("Archive records came out of section order.");
        }

        while (_section < section)
        {
            if (_section >= 0)
            {
                _hashes[_section] = Convert.ToHexStringLower(_sectionHash.GetHashAndReset());
            }

            _section++;
            if (_section < BackupFormat.Sections.Count)
            {
                var w = Begin();
                w.WriteStartObject();
                w.WriteString("section", BackupFormat.Sections[_section]);
                w.WriteEndObject();
                _sectionHash.AppendData(EndLine());
            }
        }

        await FlushIfFullAsync(cancellationToken).ConfigureAwait(false);
    }

    private Utf8JsonWriter Begin()
    {
        _line.ResetWrittenCount();
        _json.Reset(_line);
        return _json;
    }

    /// <summary>Ends the line being written, appends it with its newline to what is pending, and returns it.</summary>
    private ReadOnlySpan<byte> EndLine()
    {
        _json.Flush();
        var length = _line.WrittenCount + 1;
        var target = _pending.GetSpan(length)[..length];
        _line.WrittenSpan.CopyTo(target);
        target[^1] = (byte)'\n';
        _pending.Advance(length);
        _lastLineLength = length;
        _bytes += length;
        return _pending.WrittenSpan[^length..];
    }

    private Task FlushIfFullAsync(CancellationToken cancellationToken) =>
        _pending.WrittenCount >= FlushBytes ? FlushAsync(cancellationToken) : Task.CompletedTask;

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _destination.WriteAsync(_pending.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await _destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        _pending.ResetWrittenCount();
    }
}
