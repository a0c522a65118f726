using Registry.Engine;
using Registry.Engine.Security;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Server.Security;
using HelloCredentials = Registry.Protocol.Messages.Credentials;

namespace Registry.Server.Binary;

/// <summary>
/// Authentication and authorisation on the binary protocol: HELLO's credentials authenticate the connection once
/// (the same keys and schemes as HTTP, through <see cref="Security.Credentials"/>); each request asks
/// <see cref="Authorizer"/> with the connection's principal. Refusals are <see cref="RegistryException"/>s, answered
/// through <see cref="ErrorResponses"/> (<see cref="StatusCode.Unauthenticated"/>, <see cref="StatusCode.Forbidden"/>);
/// refusals and writes are appended to the audit log. Present only when <c>Registry:Security:Enabled</c> is true.
/// </summary>
internal sealed class BinarySecurity(Security.Credentials credentials, AuditRecorder audit, RequestBudgets budgets)
{
    /// <summary>
    /// The principal of HELLO's credentials. Runs on the connection's read loop: a key not in the cache is read from
    /// the store while the loop waits, which is acceptable once per connection (HELLO is a barrier anyway).
    /// </summary>
    public Principal Authenticate(ConnectionSession session, HelloCredentials? presented)
    {
        if (budgets.CheckFailures(session.Source) is { } wait)
        {
            throw RequestBudgets.Refusal(wait, session.Source);
        }

        try
        {
            if (presented is null)
            {
                throw new RegistryException(RegistryErrorCode.Unauthenticated,
                    "This server requires credentials in HELLO: scheme 'bearer' with an API key, or 'basic' with the key id and secret as id:secret.");
            }

            var pending = credentials.AuthenticateAsync(presented.Scheme, presented.Secret.Span, session.Closed);
            return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.Unauthenticated)
        {
            budgets.CountFailure(session.Source);
            Record(session, null, "hello", null, null, "unauthenticated");
            throw;
        }
    }

    /// <summary>Throws the refusal unless the connection's principal may do <paramref name="operation"/> on <paramref name="subject"/>.</summary>
    public void Demand(ConnectionSession session, SecuredOperation operation, string? subject)
    {
        var decision = Authorizer.Decide(session.Principal, operation, subject);
        if (decision != AccessDecision.Allowed)
        {
            Record(session, session.Principal, SecurityNames.Of(operation), subject, null, decision == AccessDecision.Forbidden ? "denied" : "unauthenticated");
            throw Authorizer.Refusal(decision, session.Principal, operation, subject);
        }

        if (budgets.Spend(session.Principal!, operation) is { } wait)
        {
            throw RequestBudgets.Refusal(wait, session.Principal!.Name);
        }
    }

    /// <summary>Runs a write on the thread pool and appends its outcome to the audit log before answering.</summary>
    public Task<IResponseBody> Audited(ConnectionSession session, SecuredOperation operation, string? subject, int? version, Func<Task<IResponseBody>> write, CancellationToken ct) =>
        Task.Run(async () =>
        {
            IResponseBody result;
            try
            {
                result = await write().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var outcome = e is RegistryException r ? HttpSecurity.Outcome(r.Code) : "failed";
                await audit.RecordAsync(Entry(session, session.Principal, SecurityNames.Of(operation), subject, version, outcome), CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            await audit.RecordAsync(Entry(session, session.Principal, SecurityNames.Of(operation), subject, version, "ok"), CancellationToken.None).ConfigureAwait(false);
            return result;
        }, ct);

    private void Record(ConnectionSession session, Principal? principal, string operation, string? subject, int? version, string outcome) =>
        _ = audit.RecordAsync(Entry(session, principal, operation, subject, version, outcome), CancellationToken.None);

    private static AuditEntry Entry(ConnectionSession session, Principal? principal, string operation, string? subject, int? version, string outcome) => new()
    {
        Time = DateTimeOffset.UtcNow,
        Principal = principal?.Name ?? "anonymous",
        Source = session.Source,
        Operation = operation,
        Subject = subject,
        Version = version,
        Outcome = outcome,
    };
}
