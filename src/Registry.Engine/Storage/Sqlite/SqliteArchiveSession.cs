using Microsoft.Data.Sqlite;
using Registry.Engine.Storage.Sql;

namespace Registry.Engine.Storage.Sqlite;

/// <summary>An import on the embedded store's writer connection, inside its <c>BEGIN IMMEDIATE</c> transaction.</summary>
internal sealed class SqliteArchiveSession(SqliteConnection connection) : SqlArchiveSession(connection, null)
{
    private const string InsertSchema = """
        INSERT INTO schemas (id, schema_type, fingerprint, content_hash, content, references_json, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
        """;

    public override async Task<bool> InsertSchemaAsync(ArchivedSchema schema, CancellationToken cancellationToken) =>
        await ExecuteAsync(InsertSchema, cancellationToken,
            schema.Id, schema.SchemaType, schema.Fingerprint.ToArray(), schema.ContentHash.ToArray(), schema.Content.ToArray(),
            RecordJson.WriteReferences(schema.References), schema.CreatedAt.ToUnixTimeMilliseconds()).ConfigureAwait(false) == 1;
}
