using System.Globalization;
using System.Text;
using Registry.Engine.Services.Backup;
using Registry.Engine.Storage;

namespace Registry.Engine.Services;

/// <summary>
/// Backup and restore of the whole registry (<c>docs/backup.md</c>). Export streams the store's snapshot into the file
/// format record by record; import streams the file into one store transaction with the original ids, versions,
/// states, metadata and settings (what IMPORT mode allows one registration at a time, for everything at once, without
/// compatibility checks), and the transaction commits only when the whole file checked out.
/// </summary>
internal sealed class BackupService(RegistryContext context)
{
    public async Task<BackupSummary> ExportAsync(Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var archive = Archive();
        using var writer = new BackupWriter(destination);
        var started = false;
        await foreach (var record in archive.ReadArchiveAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record is ArchiveCounts counts)
            {
                await writer.WriteHeaderAsync(counts, context.Now, cancellationToken).ConfigureAwait(false);
                started = true;
            }
            else if (started)
            {
                await writer.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            }
        }

        await writer.FinishAsync(cancellationToken).ConfigureAwait(false);
        var c = writer.Counts;
        return new BackupSummary(c[0], c[1], c[2], c[3], writer.Bytes, c[4], c[5]);
    }

    public async Task<RestoreSummary> ImportAsync(Stream source, RestoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var archive = Archive();
        var reader = new BackupReader(source, context.Options);
        var headerHash = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);

        // A verification is a dry run that merges: it answers whether this registry would take the backup as it is.
        var merge = options.Merge || options.VerifyOnly;
        var result = await archive.ImportArchiveAsync(
            reader.RecordsAsync(headerHash, cancellationToken), new ArchiveImportOptions(merge, options.VerifyOnly), cancellationToken).ConfigureAwait(false);
        var backup = new BackupSummary(reader.Counts[0], reader.Counts[1], reader.Counts[2], reader.Counts[3], reader.Bytes, reader.Counts[4], reader.Counts[5]);
        switch (result.Outcome)
        {
            case ArchiveImportOutcome.NotEmpty:
                RegistryThrow.NotPermitted("The registry is not empty: a backup is restored into an empty registry, or merged into this one when a merge is asked for.");
                break;
            case ArchiveImportOutcome.Clash:
                RegistryThrow.Error(RegistryErrorCode.IdConflict, ClashMessage(result.Clashes, options.VerifyOnly ? "would clash" : "clash"));
                break;
            case ArchiveImportOutcome.Done:
                // Ids and versions that this process cached as missing, or whose usability it stamped, exist now.
                context.Cache.Clear();
                break;
        }

        return new RestoreSummary(backup, result.Written, result.Kept, result.StoreWasEmpty, result.Outcome == ArchiveImportOutcome.Done);
    }

    private IRegistryArchive Archive() =>
        context.Store as IRegistryArchive
        ?? throw new RegistryException(RegistryErrorCode.OperationNotPermitted, "This registry's store cannot export or import a backup.");

    private static string ClashMessage(IReadOnlyList<ArchiveClash> clashes, string verb)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Nothing was restored: {clashes.Count} record(s) of the backup {verb} with this registry or with each other:");
        foreach (var clash in clashes)
        {
            text.Append(' ');
            if (clash.Subject is { } subject)
            {
                text.Append(CultureInfo.InvariantCulture, $"subject '{subject}'");
                if (clash.Version is { } version)
                {
                    text.Append(CultureInfo.InvariantCulture, $" version {version}");
                }

                if (clash.SchemaId is { } id)
                {
                    text.Append(CultureInfo.InvariantCulture, $" (schema id {id})");
                }
            }
            else if (clash.SchemaId is { } id)
            {
                text.Append(CultureInfo.InvariantCulture, $"schema id {id}");
            }

            text.Append(": ").Append(clash.Reason).Append(';');
        }

        text.Length--;
        return text.Append('.').ToString();
    }
}
