using Registry.Engine;
using Registry.Engine.Security;

namespace Registry.Server.Security;

/// <summary>
/// Appends to the audit log for the APIs. A failure to append (the store is down) is logged and does not change the
/// answer to the request, which has already been decided (and, for a write, done).
/// </summary>
internal sealed partial class AuditRecorder(AuditLog log, ILogger<AuditRecorder> logger)
{
    public AuditLog Log { get; } = log;

    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await Log.RecordAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException e)
        {
            AppendFailed(logger, entry.Operation, entry.Principal, e);
        }
    }

    [LoggerMessage(60, LogLevel.Error, "Could not append to the audit log: {Operation} by {Principal}")]
    private static partial void AppendFailed(ILogger logger, string operation, string principal, Exception exception);
}
