using System.Buffers;
using System.Data.Common;
using System.Text.Json;
using Registry.Engine.Model;

namespace Registry.Engine.Storage.Sql;

/// <summary>The statements of <see cref="IToolSetStore"/>, the same for SQLite and PostgreSQL (migration 6 of each).</summary>
internal static class SqlToolSets
{
    public static async Task<ToolSetRecord?> GetAsync(DbConnection connection, string name, CancellationToken ct)
    {
        await using var command = Command(connection, "SELECT name, tools_json, updated_at, updated_by FROM tool_sets WHERE name = $1", name);
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }

        return new ToolSetRecord(
            r.GetString(0),
            ReadTools(r.GetString(1)),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
            r.IsDBNull(3) ? null : r.GetString(3));
    }

    public static async Task<IReadOnlyList<string>> ListAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = Command(connection, "SELECT name FROM tool_sets ORDER BY name");
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var names = new List<string>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            names.Add(r.GetString(0));
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public static async Task<bool> PutAsync(DbConnection connection, ToolSetRecord set, CancellationToken ct)
    {
        bool exists;
        await using (var find = Command(connection, "SELECT 1 FROM tool_sets WHERE name = $1", set.Name))
        {
            exists = await find.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
        }

        await using var command = Command(connection, """
            INSERT INTO tool_sets (name, tools_json, updated_at, updated_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (name) DO UPDATE SET tools_json = excluded.tools_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            set.Name, WriteTools(set.Tools), set.UpdatedAt.ToUnixTimeMilliseconds(), set.UpdatedBy);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return !exists;
    }

    public static async Task<bool> DeleteAsync(DbConnection connection, string name, CancellationToken ct)
    {
        await using var command = Command(connection, "DELETE FROM tool_sets WHERE name = $1", name);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    /// <summary>The members as a JSON array (written by this class only, so read without tolerance for other shapes).</summary>
    internal static string WriteTools(IReadOnlyList<ToolSetMember> tools)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var t in tools)
            {
                w.WriteStartObject();
                w.WriteString("subject", t.Subject);
                w.WriteString("version", t.Version);
                w.WriteString("name", t.Name);
                if (t.Description is not null)
                {
                    w.WriteString("description", t.Description);
                }

                w.WriteBoolean("strict", t.Strict);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static List<ToolSetMember> ReadTools(string json)
    {
        using var document = JsonDocument.Parse(json);
        var tools = new List<ToolSetMember>();
        foreach (var t in document.RootElement.EnumerateArray())
        {
            tools.Add(new ToolSetMember(
                t.GetProperty("subject").GetString()!,
                t.GetProperty("version").GetString()!,
                t.GetProperty("name").GetString()!,
                t.TryGetProperty("description", out var d) ? d.GetString() : null,
                t.GetProperty("strict").GetBoolean()));
        }

        return tools;
    }

    private static DbCommand Command(DbConnection connection, string sql, params object?[] values)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var value in values)
        {
            SqlParameters.Add(command, value);
        }

        return command;
    }
}
