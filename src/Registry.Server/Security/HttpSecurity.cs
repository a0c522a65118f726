using System.Globalization;
using Registry.Engine;
using Registry.Engine.Security;

namespace Registry.Server.Security;

/// <summary>
/// Authentication and authorisation of HTTP requests, for both APIs, in one middleware placed after their error
/// handlers (so a refusal is answered in each API's own error shape: 401/403 with <c>unauthenticated</c>/<c>forbidden</c>
/// on the native API, 40101/40301 on the Confluent API). It authenticates the request (<see cref="Credentials"/>),
/// classifies the endpoint (<see cref="HttpOperations"/>), asks <see cref="Authorizer"/>, and appends to the audit log
/// every refusal and every request that is not a read. Installed only when <c>Registry:Security:Enabled</c> is true.
/// </summary>
internal static partial class HttpSecurity
{
    /// <summary>The key of the request's principal in <see cref="HttpContext.Items"/>.</summary>
    public static readonly object PrincipalKey = new();

    public static void UseRegistrySecurity(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<Hosting.ServerOptions>().Security.Enabled)
        {
            return;
        }

        var credentials = app.Services.GetRequiredService<Credentials>();
        var audit = app.Services.GetRequiredService<AuditRecorder>();
        var budgets = app.Services.GetRequiredService<RequestBudgets>();
        app.Use((context, next) => context.GetEndpoint() is RouteEndpoint endpoint
            ? InvokeAsync(context, next, endpoint, credentials, audit, budgets)
            : next(context));
    }

    /// <summary>The principal of a request that passed authentication (null with security off or on a public endpoint).</summary>
    public static Principal? PrincipalOf(HttpContext context) => context.Items.TryGetValue(PrincipalKey, out var p) ? p as Principal : null;

    private static async Task InvokeAsync(
        HttpContext context, RequestDelegate next, RouteEndpoint endpoint, Credentials credentials, AuditRecorder audit, RequestBudgets budgets)
    {
        var (operation, isPublic, subject) = HttpOperations.Classify(context, endpoint);
        if (isPublic)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var source = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (budgets.CheckFailures(source) is { } wait)
        {
            throw Limited(context, wait, source);
        }

        Principal? principal;
        try
        {
            principal = await credentials.AuthenticateAsync(context.Request).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Code == RegistryErrorCode.Unauthenticated)
        {
            budgets.CountFailure(source);
            Challenge(context);
            await audit.RecordAsync(Entry(context, null, operation, subject, "unauthenticated"), context.RequestAborted).ConfigureAwait(false);
            throw;
        }

        var decision = Authorizer.Decide(principal, operation, subject);
        if (decision != AccessDecision.Allowed)
        {
            if (decision == AccessDecision.Unauthenticated)
            {
                Challenge(context);
            }

            await audit.RecordAsync(Entry(context, principal, operation, subject, decision == AccessDecision.Forbidden ? "denied" : "unauthenticated"), context.RequestAborted)
                .ConfigureAwait(false);
            throw Authorizer.Refusal(decision, principal, operation, subject);
        }

        if (budgets.Spend(principal!, operation) is { } retryAfter)
        {
            throw Limited(context, retryAfter, principal!.Name);
        }

        context.Items[PrincipalKey] = principal;
        if (operation is SecuredOperation.Read or SecuredOperation.Validate)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var outcome = e is RegistryException r ? Outcome(r.Code) : "failed";
            await audit.RecordAsync(Entry(context, principal, operation, subject, outcome), CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var status = context.Response.StatusCode;
        await audit.RecordAsync(
            Entry(context, principal, operation, subject, status < 400 ? "ok" : status.ToString(CultureInfo.InvariantCulture)), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The audit name of a refusal by the engine (snake case of the code).</summary>
    public static string Outcome(RegistryErrorCode code) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(code.ToString());

    private static AuditEntry Entry(HttpContext context, Principal? principal, SecuredOperation operation, string? subject, string outcome)
    {
        var route = context.Request.RouteValues;
        return new AuditEntry
        {
            Time = DateTimeOffset.UtcNow,
            Principal = principal?.Name ?? "anonymous",
            Source = context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            Operation = SecurityNames.Of(operation),
            Subject = subject,
            Version = route["version"] is string v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null,
            Target = (route["keyId"] ?? route["id"]) as string is { Length: <= 64 } target ? target : null,
            Outcome = outcome,
        };
    }

    private static RegistryException Limited(HttpContext context, TimeSpan wait, string who)
    {
        var seconds = RequestBudgets.Seconds(wait).ToString(CultureInfo.InvariantCulture);
        context.Response.OnStarting(static state =>
        {
            var (context, seconds) = ((HttpContext, string))state;
            context.Response.Headers.RetryAfter = seconds;
            return Task.CompletedTask;
        }, (context, seconds));
        return RequestBudgets.Refusal(wait, who);
    }

    private static void Challenge(HttpContext context) =>
        context.Response.OnStarting(static state =>
        {
            ((HttpContext)state).Response.Headers.WWWAuthenticate = "Basic realm=\"schema-registry\", charset=\"UTF-8\"";
            return Task.CompletedTask;
        }, context);
}
