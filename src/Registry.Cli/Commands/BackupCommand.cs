using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Registry.Cli.Remote;

namespace Registry.Cli.Commands;

/// <summary>
/// <c>registry backup FILE</c> and <c>registry restore FILE [--merge | --verify]</c>: the whole registry to a file and
/// back, streamed over HTTP (<c>GET /v1/export</c>, <c>POST /v1/import</c>; see docs/backup.md).
/// </summary>
internal static class BackupCommand
{
    private const string RestoreExitCodes = """
          0  restored (with --verify: the backup is intact and would restore into this registry)
          1  with --verify: the backup is damaged, or would not restore into this registry (the message says why)
          2  bad input: options, an unreadable file, or --binary (backups go over HTTP)
          3  the server refused: the backup is damaged, the registry is not empty (use --merge), or records clash (named)
          4  the server could not be reached, timed out, or failed
        """;

    public static Command CreateBackup(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var file = new Argument<string>("file") { Description = "Where to write the backup: a file, or s3://BUCKET/KEY for an object in S3", HelpName = "FILE" };
        var force = new Option<bool>("--force") { Description = "Replace FILE (or the S3 object) if it exists" };
        var gzip = new Option<bool>("--gzip") { Description = "Compress the file with gzip (implied by a FILE name ending in .gz, e.g. backup.jsonl.gz)" };
        var s3Endpoint = S3EndpointOption();
        var command = new Command("backup", "Write every schema, subject, version, setting and alias of a registry to a file or an S3 bucket, streamed (HTTP only)") { file, force, gzip, s3Endpoint };
        remote.AddTo(command);
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            using var transfer = Open(parse, remote, api);
            var path = parse.GetValue(file)!;
            var compress = parse.GetValue(gzip) || path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            if (S3Location.Names(path))
            {
                var (s3Result, objectBytes) = await BackupToS3Async(kit, parse, S3Location.Parse(path), parse.GetValue(s3Endpoint), parse.GetValue(remote.Timeout),
                    parse.GetValue(force), compress, transfer, ct);
                return await ReportBackupAsync(kit, parse, path, s3Result, compress, objectBytes);
            }

            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new InputException($"'{path}' exists; give --force to replace it");
            }

            // Written beside the target and moved over it only when complete: a failed backup never leaves a file that
            // looks like one.
            var partial = path + ".partial";
            DownloadResult result;
            long fileBytes;
            try
            {
                await using (var file = OpenForWriting(partial))
                {
                    // The SHA-256 and size printed are the backup's own (uncompressed), what restore --verify checks.
                    await using (var destination = compress ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : (Stream)file)
                    {
                        result = await kit.Console.WithProgressAsync("Backing up", progress => transfer.DownloadAsync(destination, progress, ct));
                    }
                }

                fileBytes = new FileInfo(partial).Length;

                File.Move(partial, path, overwrite: true);
            }
            finally
            {
                if (File.Exists(partial))
                {
                    File.Delete(partial);
                }
            }

            return await ReportBackupAsync(kit, parse, path, result, compress, fileBytes);
        });
        return command;
    }

    private static async Task<int> ReportBackupAsync(CommandKit kit, ParseResult parse, string path, DownloadResult result, bool compress, long fileBytes)
    {
        var counts = Counts(result.Header);
        if (parse.GetValue(kit.Json))
        {
            await kit.Console.Out.WriteLineAsync(Json(w =>
            {
                w.WriteString("file", path);
                w.WriteNumber("bytes", result.Bytes);
                w.WriteString("sha256", result.Sha256);
                w.WriteBoolean("gzip", compress);
                w.WriteNumber("file_bytes", fileBytes);
                WriteCounts(w, counts);
            }));
        }
        else
        {
            await kit.Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Backed up {counts.Schemas} schemas, {counts.Subjects} subjects, {counts.Versions} versions, {counts.Configs} settings and {counts.Aliases} aliases to {path} ({result.Bytes} bytes{(compress ? $", {fileBytes} compressed" : "")}, SHA-256 {result.Sha256})."));
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Streams the backup into an S3 object (multipart, so memory stays bounded); the object appears only once the
    /// manifest has arrived and every part is up, and its size is then checked against what was sent.
    /// </summary>
    private static async Task<(DownloadResult Result, long ObjectBytes)> BackupToS3Async(CommandKit kit, ParseResult parse, S3Location location,
        string? endpoint, double timeoutSeconds, bool force, bool compress, BackupTransfer transfer, CancellationToken ct)
    {
        using var s3 = new S3Storage(S3Settings.From(kit.Console.Environment, endpoint), TimeSpan.FromSeconds(timeoutSeconds));
        if (!force && await s3.SizeAsync(location, ct) is not null)
        {
            throw new InputException($"'{location}' exists; give --force to replace it");
        }

        await using var upload = new S3UploadStream(s3, location);
        DownloadResult result;
        try
        {
            await using (var destination = compress ? new GZipStream(upload, CompressionLevel.Optimal, leaveOpen: true) : (Stream)upload)
            {
                result = await kit.Console.WithProgressAsync("Backing up", progress => transfer.DownloadAsync(destination, progress, ct));
            }

            await upload.CompleteAsync(ct);
        }
        catch
        {
            await upload.AbortAsync();
            throw;
        }

        // What S3 stores must be what was sent, byte for byte (each part's SHA-256 was checked on arrival).
        var stored = await s3.SizeAsync(location, ct);
        if (stored != upload.Written)
        {
            throw new RemoteException(RemoteFailure.Unavailable, new ErrorModel
            {
                ErrorCode = "unavailable",
                Message = string.Create(CultureInfo.InvariantCulture, $"S3 stores {stored?.ToString(CultureInfo.InvariantCulture) ?? "no object"} at '{location}' where {upload.Written} bytes were uploaded; do not rely on that object"),
            });
        }

        return (result, upload.Written);
    }

    public static Command CreateRestore(CommandKit kit)
    {
        var remote = new RemoteOptions(kit.Console);
        var file = new Argument<string>("file")
        {
            Description = "The backup to restore: a file or s3://BUCKET/KEY (gzip-compressed or not: recognised by its content)",
            HelpName = "FILE",
        };
        var s3Endpoint = S3EndpointOption();
        var merge = new Option<bool>("--merge")
        {
            Description = "Restore into a registry that holds data: records it already has as they are stay; any other difference is a clash, and nothing is written",
        };
        var verify = new Option<bool>("--verify")
        {
            Description = "Check the backup (checksums, every record, clashes with this registry) and write nothing",
        };
        var command = new Command("restore", "Load a backup into an empty registry with its ids, versions and states, in one transaction (HTTP only)") { file, merge, verify, s3Endpoint };
        remote.AddTo(command);
        kit.SetRemoteAction(command, remote, async (parse, api, ct) =>
        {
            using var transfer = Open(parse, remote, api);
            var path = parse.GetValue(file)!;
            var verifying = parse.GetValue(verify);
            Stream source;
            long length = -1;
            using var s3 = S3Location.Names(path)
                ? new S3Storage(S3Settings.From(kit.Console.Environment, parse.GetValue(s3Endpoint)), TimeSpan.FromSeconds(parse.GetValue(remote.Timeout)))
                : null;
            if (s3 is not null)
            {
                (source, length) = await s3.OpenAsync(S3Location.Parse(path), ct);
            }
            else
            {
                try
                {
                    source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    throw new InputException($"cannot read '{path}': {e.Message}");
                }
            }

            JsonDocument answer;
            try
            {
                var plain = await DecompressIfGzipAsync(source, ct);
                length = plain is GZipStream ? -1 : length;
                await using (plain)
                {
                    answer = await kit.Console.WithProgressAsync(verifying ? "Verifying" : "Restoring",
                        progress => transfer.UploadAsync(plain, parse.GetValue(merge), verifying, progress, ct, length));
                }
            }
            catch (RemoteException e) when (verifying && e.Failure == RemoteFailure.Refused)
            {
                // A verification that finds a fault is a negative answer, not a refusal.
                return await kit.ReportAsync(parse, e, ExitCodes.Negative);
            }

            using (answer)
            {
                var root = answer.RootElement;
                if (parse.GetValue(kit.Json))
                {
                    await kit.Console.Out.WriteLineAsync(CommandKit.Pretty(root));
                }
                else
                {
                    var backup = root.GetProperty("backup");
                    var what = string.Create(CultureInfo.InvariantCulture,
                        $"{backup.GetProperty("schemas").GetInt64()} schemas, {backup.GetProperty("subjects").GetInt64()} subjects, {backup.GetProperty("versions").GetInt64()} versions and {backup.GetProperty("configs").GetInt64()} settings");
                    var written = root.GetProperty("written").GetInt64();
                    var kept = root.GetProperty("kept").GetInt64();
                    var text = verifying
                        ? $"The backup is intact: {what}. Restoring it here would write {written} records and keep {kept}{(root.GetProperty("registry_was_empty").GetBoolean() ? "" : " (the registry is not empty: restore with --merge)")}."
                        : $"Restored {what} from {path}: {written} records written, {kept} already present.";
                    await kit.Console.Out.WriteLineAsync(text);
                }
            }

            return ExitCodes.Ok;
        });
        kit.DescribeExitCodes(command, RestoreExitCodes);
        command.Validators.Add(result =>
        {
            if (result.GetValue(merge) && result.GetValue(verify))
            {
                result.AddError("--merge and --verify do not go together: --verify already checks what a merge would do");
            }
        });
        return command;
    }

    /// <summary>The HTTP transfer for the server the command line names; backups do not go over the binary protocol.</summary>
    private static BackupTransfer Open(ParseResult parse, RemoteOptions remote, IRegistryApi api)
    {
        if (api is not HttpRegistryApi)
        {
            throw RemoteException.NotSupported("Backup and restore");
        }

        var url = RemoteOptions.HttpBase(remote.ServerValue(parse) ?? RemoteOptions.DefaultHttp);
        return new BackupTransfer(url, TimeSpan.FromSeconds(parse.GetValue(remote.Timeout)), remote.Security(parse));
    }

    /// <summary>
    /// <paramref name="file"/> itself, or a decompressing view of it when it starts with the gzip magic bytes (a
    /// backup itself starts with <c>{</c>), so restore and --verify read compressed and plain backups alike.
    /// </summary>
    internal static async Task<Stream> DecompressIfGzipAsync(Stream file, CancellationToken ct)
    {
        var magic = new byte[2];
        var read = 0;
        while (read < 2 && await file.ReadAsync(magic.AsMemory(read), ct) is var n && n > 0)
        {
            read += n;
        }

        // A file goes back to its start; a stream that cannot (an S3 object) gets the bytes read put in front of it.
        if (file.CanSeek)
        {
            file.Seek(0, SeekOrigin.Begin);
        }
        else
        {
            file = new PrefixedStream(magic.AsMemory(0, read), file);
        }

        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
    }

    private static Option<string> S3EndpointOption() => new("--s3-endpoint")
    {
        Description = "The address of an S3-compatible server for s3:// backups (default: $AWS_ENDPOINT_URL_S3, else $AWS_ENDPOINT_URL, else AWS itself; "
            + "credentials from $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY, region from $AWS_REGION)",
        HelpName = "URL",
    };

    private static FileStream OpenForWriting(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputException($"cannot write '{path}': {e.Message}");
        }
    }

    private static (long Schemas, long Subjects, long Versions, long Configs, long Aliases) Counts(byte[] header)
    {
        try
        {
            using var document = JsonDocument.Parse(header);
            var counts = document.RootElement.GetProperty("counts");
            return (counts.GetProperty("schemas").GetInt64(), counts.GetProperty("subjects").GetInt64(),
                counts.GetProperty("versions").GetInt64(), counts.GetProperty("config").GetInt64(),
                counts.TryGetProperty("aliases", out var aliases) ? aliases.GetInt64() : 0);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return (0, 0, 0, 0, 0);
        }
    }

    private static void WriteCounts(Utf8JsonWriter w, (long Schemas, long Subjects, long Versions, long Configs, long Aliases) counts)
    {
        w.WriteNumber("schemas", counts.Schemas);
        w.WriteNumber("subjects", counts.Subjects);
        w.WriteNumber("versions", counts.Versions);
        w.WriteNumber("configs", counts.Configs);
        w.WriteNumber("aliases", counts.Aliases);
    }

    private static string Json(Action<Utf8JsonWriter> members)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}

/// <summary>A read-only stream that gives some bytes already read, then the rest of another stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.Length == 0)
        {
            return rest.Read(buffer);
        }

        var take = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..take].CopyTo(buffer);
        _prefix = _prefix[take..];
        return take;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.Length == 0)
        {
            return rest.ReadAsync(buffer, cancellationToken);
        }

        var take = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..take].CopyTo(buffer.Span);
        _prefix = _prefix[take..];
        return ValueTask.FromResult(take);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rest.Dispose();
        }

        base.Dispose(disposing);
    }
}
