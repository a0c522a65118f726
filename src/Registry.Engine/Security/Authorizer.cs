using System.Diagnostics.CodeAnalysis;

namespace Registry.Engine.Security;

/// <summary>The answer of <see cref="Authorizer.Decide"/>.</summary>
public enum AccessDecision
{
    /// <summary>The principal may do it.</summary>
    Allowed,

    /// <summary>Nobody authenticated (no credentials, or credentials that were refused).</summary>
    Unauthenticated,

    /// <summary>The principal is known but its role or grants do not cover the operation.</summary>
    Forbidden,
}

/// <summary>
/// The registry's one authorisation rule. Every API asks it, with the same (principal, operation, subject), before
/// calling the engine; docs/security.md has the table it implements:
/// <list type="bullet">
/// <item>reads and validation: every authenticated principal, on every subject (a schema id is not scoped to a subject);</item>
/// <item>register: developer and service on granted subjects;</item>
/// <item>lifecycle, metadata, soft delete, subject configuration: developer on granted subjects;</item>
/// <item>hard delete, global configuration, keys, audit: admin only (admin may do everything).</item>
/// </list>
/// </summary>
public static class Authorizer
{
    /// <summary>Decides whether <paramref name="principal"/> may perform <paramref name="operation"/> on <paramref name="subject"/>.</summary>
    public static AccessDecision Decide(Principal? principal, SecuredOperation operation, string? subject)
    {
        if (principal is null)
        {
            return AccessDecision.Unauthenticated;
        }

        var role = principal.Role;
        if (role == Role.Admin)
        {
            return AccessDecision.Allowed;
        }

        var allowed = operation switch
        {
            SecuredOperation.Read or SecuredOperation.Validate => true,
            SecuredOperation.Register => role is Role.Developer or Role.Service && Granted(principal, subject),
            SecuredOperation.Lifecycle or SecuredOperation.Delete or SecuredOperation.SubjectConfig => role == Role.Developer && Granted(principal, subject),
            _ => false,
        };
        return allowed ? AccessDecision.Allowed : AccessDecision.Forbidden;
    }

    /// <summary>Throws <see cref="RegistryErrorCode.Unauthenticated"/> or <see cref="RegistryErrorCode.Forbidden"/> unless allowed.</summary>
    public static void Demand(Principal? principal, SecuredOperation operation, string? subject)
    {
        var decision = Decide(principal, operation, subject);
        if (decision != AccessDecision.Allowed)
        {
            Refuse(decision, principal, operation, subject);
        }
    }

    /// <summary>The refusal for a decision that is not <see cref="AccessDecision.Allowed"/>.</summary>
    public static RegistryException Refusal(AccessDecision decision, Principal? principal, SecuredOperation operation, string? subject) =>
        decision == AccessDecision.Unauthenticated
            ? new RegistryException(RegistryErrorCode.Unauthenticated, "Authentication is required: send an API key (Authorization: Bearer, X-Api-Key or HTTP Basic with the key id and secret).")
            : new RegistryException(RegistryErrorCode.Forbidden, subject is null
                ? $"'{principal?.Name}' ({SecurityNames.Of(principal?.Role ?? 0)}) may not {SecurityNames.Of(operation).Replace('_', ' ')}."
                : $"'{principal?.Name}' ({SecurityNames.Of(principal?.Role ?? 0)}) may not {SecurityNames.Of(operation).Replace('_', ' ')} on subject '{subject}'.");

    private static bool Granted(Principal principal, string? subject) => subject is not null && principal.IsGranted(subject);

    [DoesNotReturn]
    private static void Refuse(AccessDecision decision, Principal? principal, SecuredOperation operation, string? subject) =>
        throw Refusal(decision, principal, operation, subject);
}
