using System.Globalization;
using Registry.Engine;
using Registry.Engine.Model;
using Registry.Engine.Storage;

namespace Registry.Server.Http.Native;

/// <summary>Parsing of path and query values, with the API's errors instead of the framework's empty 400s.</summary>
internal static class QueryValues
{
    public static bool Flag(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (bool.TryParse(value, out var flag))
        {
            return flag;
        }

        throw new RegistryException(RegistryErrorCode.InvalidRequest, $"Query parameter '{name}' must be true or false.");
    }

    /// <summary>A text filter: an empty value is no filter.</summary>
    public static string? Text(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public static int Integer(string? value, string name, int fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        throw new RegistryException(RegistryErrorCode.InvalidRequest, $"Query parameter '{name}' must be an integer.");
    }

    public static long SchemaId(string value)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
        {
            return id;
        }

        throw new RegistryException(RegistryErrorCode.InvalidRequest, "A schema id is a positive integer.");
    }

    public static VersionSelector Version(string value) => VersionSelector.Parse(value);

    /// <summary><c>deleted=true</c> includes soft-deleted entries; <c>deleted_only=true</c> returns only them.</summary>
    public static DeletedFilter Deleted(string? deleted, string? deletedOnly) =>
        Flag(deletedOnly, "deleted_only") ? DeletedFilter.Only : Flag(deleted, "deleted") ? DeletedFilter.Include : DeletedFilter.Exclude;
}
