using System.Diagnostics.CodeAnalysis;
using Registry.Engine.Model;
using Registry.Schemas;
using Registry.Schemas.Validation;

namespace Registry.Engine;

/// <summary>
/// The engine's one exception type: a <see cref="RegistryErrorCode"/>, a message for humans, and, for
/// <see cref="RegistryErrorCode.Incompatible"/> and <see cref="RegistryErrorCode.InvalidSchema"/>, the details.
/// Adapters catch it in one place and translate the code.
/// </summary>
public sealed class RegistryException : Exception
{
    /// <summary>Creates an exception with a code and a message.</summary>
    public RegistryException(RegistryErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Creates an exception with a code, a message and the details that explain it.</summary>
    public RegistryException(
        RegistryErrorCode code,
        string message,
        IReadOnlyList<VersionDifference>? differences,
        IReadOnlyList<SchemaCompilationError>? schemaErrors)
        : base(message)
    {
        Code = code;
        Differences = differences ?? [];
        SchemaErrors = schemaErrors ?? [];
    }

    /// <summary>Unused; present for the exception pattern.</summary>
    public RegistryException()
        : this(RegistryErrorCode.StoreError, "Registry error.")
    {
    }

    /// <summary>Unused; present for the exception pattern.</summary>
    public RegistryException(string message)
        : this(RegistryErrorCode.StoreError, message)
    {
    }

    /// <summary>Wraps an unexpected store failure.</summary>
    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = RegistryErrorCode.StoreError;
    }

    /// <summary>Creates an exception with a code, a message and the cause.</summary>
    public RegistryException(RegistryErrorCode code, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Why the request was refused.</summary>
    public RegistryErrorCode Code { get; }

    /// <summary>For <see cref="RegistryErrorCode.Incompatible"/>: the incompatible differences found, each naming its earlier version.</summary>
    public IReadOnlyList<VersionDifference> Differences { get; } = [];

    /// <summary>For <see cref="RegistryErrorCode.InvalidSchema"/>: where the schema is wrong.</summary>
    public IReadOnlyList<SchemaCompilationError> SchemaErrors { get; } = [];

    /// <summary>For <see cref="RegistryErrorCode.Incompatible"/>: the version numbers compared with, oldest first.</summary>
    public IReadOnlyList<int> ComparedVersions { get; init; } = [];
}

/// <summary>Throw helpers: keep the throwing code out of the callers so they stay small and inlinable.</summary>
public static class RegistryThrow
{
    /// <summary>Throws a <see cref="RegistryException"/> with <paramref name="code"/>.</summary>
    [DoesNotReturn]
    public static void Error(RegistryErrorCode code, string message) => throw new RegistryException(code, message);

    /// <summary>Throws a <see cref="RegistryException"/> and is typed to fit in expressions.</summary>
    [DoesNotReturn]
    public static T Error<T>(RegistryErrorCode code, string message) => throw new RegistryException(code, message);

    /// <summary>Throws <see cref="RegistryErrorCode.InvalidRequest"/>.</summary>
    [DoesNotReturn]
    public static void InvalidRequest(string message) => throw new RegistryException(RegistryErrorCode.InvalidRequest, message);

    /// <summary>Throws <see cref="RegistryErrorCode.SubjectNotFound"/>.</summary>
    [DoesNotReturn]
    public static void SubjectNotFound(string subject) =>
        throw new RegistryException(RegistryErrorCode.SubjectNotFound, $"Subject '{subject}' not found.");

    /// <summary>Throws <see cref="RegistryErrorCode.VersionNotFound"/>.</summary>
    [DoesNotReturn]
    public static void VersionNotFound(string subject, int version) =>
        throw new RegistryException(RegistryErrorCode.VersionNotFound, $"Version {version} not found in subject '{subject}'.");

    /// <summary>Throws <see cref="RegistryErrorCode.VersionNotFound"/> for <c>latest</c> of a subject with no live version.</summary>
    [DoesNotReturn]
    public static void NoLatestVersion(string subject) =>
        throw new RegistryException(RegistryErrorCode.VersionNotFound, $"Subject '{subject}' has no live version.");

    /// <summary>Throws <see cref="RegistryErrorCode.SchemaNotFound"/>.</summary>
    [DoesNotReturn]
    public static void SchemaNotFound(long id) =>
        throw new RegistryException(RegistryErrorCode.SchemaNotFound, $"Schema {id} not found.");

    /// <summary>Throws <see cref="RegistryErrorCode.InvalidSchema"/> with the compiler's errors.</summary>
    [DoesNotReturn]
    public static void InvalidSchema(string message, IReadOnlyList<SchemaCompilationError>? errors = null) =>
        throw new RegistryException(RegistryErrorCode.InvalidSchema, message, null, errors);

    /// <summary>Throws <see cref="RegistryErrorCode.Incompatible"/> with the incompatible differences and the versions compared.</summary>
    [DoesNotReturn]
    public static void Incompatible(string message, IReadOnlyList<VersionDifference> differences, IReadOnlyList<int> comparedVersions) =>
        throw new RegistryException(RegistryErrorCode.Incompatible, message, differences, null) { ComparedVersions = comparedVersions };

    /// <summary>Throws <see cref="RegistryErrorCode.TooComplex"/> for a budget the schema library found exhausted, with its message.</summary>
    [DoesNotReturn]
    public static void TooComplex(TooComplexException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        throw new RegistryException(RegistryErrorCode.TooComplex, exception.Message, exception);
    }

    /// <summary>Throws <see cref="RegistryErrorCode.OperationNotPermitted"/>.</summary>
    [DoesNotReturn]
    public static void NotPermitted(string message) =>
        throw new RegistryException(RegistryErrorCode.OperationNotPermitted, message);
}
