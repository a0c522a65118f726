using System.Data.Common;
using Registry.Engine.Model;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Storage.Sql;

/// <summary>
/// Rows of both SQL stores into records, by column position (see <see cref="SqlStatements"/>). States and settings are
/// read with <c>GetInt16</c> and flags with <c>GetBoolean</c>: PostgreSQL keeps them as <c>smallint</c> and
/// <c>boolean</c> (and Npgsql reads a column only as its own type), SQLite as <c>INTEGER</c>, which its provider
/// narrows to either.
/// </summary>
internal static class SqlRows
{
    /// <summary>A schema from <see cref="SqlStatements.SchemaById"/>.</summary>
    public static SchemaRecord Schema(DbDataReader r, long id) =>
        new(id, r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<byte[]>(2), RecordJson.ReadReferences(r.GetString(3)));

    /// <summary>A version whose <see cref="SqlStatements.VersionColumns"/> start at column <paramref name="first"/>.</summary>
    public static VersionRecord Version(DbDataReader r, int first) => new()
    {
        Subject = r.GetString(first),
        Version = r.GetInt32(first + 1),
        SchemaId = r.GetInt64(first + 2),
        State = (LifecycleState)r.GetInt16(first + 3),
        IsDeleted = r.GetBoolean(first + 4),
        Semver = r.IsDBNull(first + 5) ? null : r.GetString(first + 5),
        Metadata = r.IsDBNull(first + 6) ? VersionMetadata.Empty : RecordJson.ReadMetadata(r.GetString(first + 6)),
        Deprecation = r.IsDBNull(first + 7) ? null : RecordJson.ReadDeprecation(r.GetString(first + 7)),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(first + 8)),
        CreatedBy = r.IsDBNull(first + 9) ? null : r.GetString(first + 9),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(first + 10)),
    };

    /// <summary>
    /// One row of <see cref="SqlStatements.SubjectSnapshot"/>: returns the revision and adds the row's version, if any,
    /// to <paramref name="versions"/>.
    /// </summary>
    public static long SnapshotRow(DbDataReader r, List<VersionRecord> versions)
    {
        if (!r.IsDBNull(2))
        {
            versions.Add(Version(r, 1));
        }

        return r.GetInt64(0);
    }

    /// <summary>
    /// One row of <see cref="SqlStatements.AliasesOfSubject"/>: returns the revision and adds the row's alias, if any,
    /// to <paramref name="aliases"/>.
    /// </summary>
    public static long AliasRow(DbDataReader r, List<AliasRecord> aliases)
    {
        if (!r.IsDBNull(1))
        {
            aliases.Add(new AliasRecord(r.GetString(1), r.GetInt32(2), r.GetBoolean(3),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), r.IsDBNull(5) ? null : r.GetString(5)));
        }

        return r.GetInt64(0);
    }

    /// <summary>A change from <see cref="SqlStatements.AliasHistory"/>.</summary>
    public static AliasMove AliasMove(DbDataReader r) => new(
        r.GetString(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetBoolean(3),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), r.IsDBNull(5) ? null : r.GetString(5));

    /// <summary>A usage from <see cref="SqlStatements.UsagesOfSchema"/> or <see cref="SqlStatements.ReferrersOf"/>.</summary>
    public static VersionUsage Usage(DbDataReader r) =>
        new(r.GetString(0), r.GetInt32(1), r.GetInt64(2), (LifecycleState)r.GetInt16(3), r.GetBoolean(4));

    /// <summary>A referring version: subject and version in columns 0 and 1.</summary>
    public static SubjectVersionRef Referrer(DbDataReader r) => new(r.GetString(0), r.GetInt32(1));

    /// <summary>A configuration from <see cref="SqlStatements.ConfigOfScope"/>.</summary>
    public static ConfigRecord Config(DbDataReader r) => new()
    {
        Compatibility = r.IsDBNull(0) ? null : (CompatibilityLevel)r.GetInt16(0),
        Policy = r.IsDBNull(1) ? null : (CompatibilityPolicy)r.GetInt16(1),
        Mode = r.IsDBNull(2) ? null : (RegistryMode)r.GetInt16(2),
        Profiles = r.IsDBNull(3) ? null : ConfigProfiles.Parse(r.GetString(3)),
        FormatAssertion = r.IsDBNull(4) ? null : r.GetBoolean(4),
        DefaultDraft = r.IsDBNull(5) ? null : JsonSchemaDrafts.Parse(r.GetString(5)),
        Contract = r.IsDBNull(6) ? null : ContractJson.ReadConfig(r.GetString(6)),
    };
}
