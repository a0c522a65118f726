using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Registry.Engine.Storage.Sql;

/// <summary>Positional parameters (<c>$1</c>, <c>$2</c>, ...) as each provider takes them: Npgsql by position, SQLite by the name <c>$n</c>.</summary>
internal static class SqlParameters
{
    private static readonly string[] Names = [.. Enumerable.Range(1, 16).Select(static n => "$" + n.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The name of the parameter at <paramref name="position"/> (from 1).</summary>
    public static string Name(int position) =>
        position <= Names.Length ? Names[position - 1] : "$" + position.ToString(CultureInfo.InvariantCulture);

    /// <summary>Adds the next positional parameter (null: SQL NULL).</summary>
    public static void Add(DbCommand command, object? value)
    {
        var parameter = command.CreateParameter();
        if (command is SqliteCommand)
        {
            parameter.ParameterName = Name(command.Parameters.Count + 1);
        }

        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
