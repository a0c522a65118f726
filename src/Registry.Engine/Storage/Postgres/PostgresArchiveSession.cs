using System.Security.Cryptography;
using Npgsql;
using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Postgres;

/// <summary>
/// An import on one PostgreSQL transaction. The tables are locked in EXCLUSIVE mode first: readers go on, every other
/// writer (of any replica) waits until the import commits or rolls back, so no id can be allocated meanwhile.
/// </summary>
internal sealed class PostgresArchiveSession(NpgsqlConnection connection, NpgsqlTransaction transaction) : SqlArchiveSession(connection, transaction)
{
    private const string InsertSchema = """
        INSERT INTO schemas (id, schema_type, fingerprint, content_hash, content_sha256, content, references_json, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
        """;

    public Task LockAsync(CancellationToken cancellationToken) =>
        ExecuteAsync("LOCK TABLE schema_id_allocator, schemas, subjects, versions, version_references, config IN EXCLUSIVE MODE", cancellationToken);

    public override async Task<bool> InsertSchemaAsync(ArchivedSchema schema, CancellationToken cancellationToken)
    {
        var content = schema.Content.ToArray();
        return await ExecuteAsync(InsertSchema, cancellationToken,
            schema.Id, schema.SchemaType, schema.Fingerprint.ToArray(), schema.ContentHash.ToArray(), SHA256.HashData(content), content,
            RecordJson.WriteReferences(schema.References), schema.CreatedAt.ToUnixTimeMilliseconds()).ConfigureAwait(false) == 1;
    }

    /// <summary>The allocator moves past every imported id, so that the next registration gets a new one.</summary>
    public override Task FinishAsync(CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE schema_id_allocator SET next_id = greatest(next_id, (SELECT coalesce(max(id), 0) + 1 FROM schemas))", cancellationToken);
}
