using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Registry.Engine.Schemas;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Postgres;
using Registry.Engine.Storage.Sqlite;
using Registry.Schemas.Compatibility;

namespace Registry.Benchmarks.Store;

/// <summary>
/// Throughput of a system of record, in process: registrations per second through the engine (validation,
/// canonical form, id allocation, durable commit) and reads by id per second (warm engine cache, and the store
/// without a cache). Not BenchmarkDotNet: these are sustained runs of fixed duration with concurrent tasks.
/// The embedded SQLite store by default; <c>--store postgres</c> runs against a fresh database per run on the server
/// of <c>--postgres</c> (default: <c>$REGISTRY_TEST_POSTGRES</c>), dropped afterwards.
/// <code>dotnet run -c Release --project benchmarks/Registry.Benchmarks -- store-load [--store sqlite|postgres] [--postgres CONNECTION] [--seconds 10] [--writers 1,4,16] [--readers 8] [--schemas 2000] [--out FILE]</code>
/// </summary>
public static class StoreLoad
{
    public static int Run(string[] args)
    {
        var seconds = Option(args, "--seconds", 10);
        var writers = OptionList(args, "--writers", [1, 4, 16]);
        var readers = Option(args, "--readers", Math.Max(2, Environment.ProcessorCount * 2));
        var schemas = Option(args, "--schemas", 2_000);
        var kind = OptionText(args, "--store", "sqlite");
        if (kind is not ("sqlite" or "postgres"))
        {
            Console.Error.WriteLine($"store-load: --store {kind} is not known; sqlite or postgres");
            return 2;
        }

        var postgres = OptionText(args, "--postgres", Environment.GetEnvironmentVariable("REGISTRY_TEST_POSTGRES") ?? string.Empty);
        if (kind == "postgres" && postgres.Length == 0)
        {
            Console.Error.WriteLine("store-load: --store postgres needs --postgres CONNECTION (or REGISTRY_TEST_POSTGRES)");
            return 2;
        }

        _target = kind == "postgres" ? new StoreTarget("PostgreSQL", postgres) : new StoreTarget("SQLite", null);
        var output = OptionText(args, "--out", Path.Combine("artifacts", "benchmarks", $"store-load-{kind}.md"));
        var duration = TimeSpan.FromSeconds(seconds);
        var rows = new List<string>();

        Console.WriteLine($"store-load: {_target.Name}, {seconds} s per run, writers {string.Join(',', writers)}, readers {readers}, {schemas} schemas, {Environment.ProcessorCount} CPUs");
        foreach (var w in writers)
        {
            rows.Add(Row($"registrations, new subject each, {w} writer(s)", RunAsync(db => RegisterNewSubjectsAsync(db, w, duration)).GetAwaiter().GetResult(), "registrations/s"));
        }

        foreach (var w in writers)
        {
            rows.Add(Row($"registrations, next version of a subject (BACKWARD), {w} writer(s)", RunAsync(db => RegisterVersionsAsync(db, w, duration)).GetAwaiter().GetResult(), "registrations/s"));
        }

        rows.Add(Row("store appends (commit only, no validation), 1 writer", RunAsync(db => AppendAsync(db, duration)).GetAwaiter().GetResult(), "appends/s"));
        var reads = RunAsync(db => ReadByIdAsync(db, schemas, readers, duration)).GetAwaiter().GetResult();
        rows.Add(Row($"reads by id, engine (warm cache), {readers} readers", reads.Warm, "reads/s"));
        rows.Add(Row($"reads by id, {_target.Name} store (no cache), {readers} readers", reads.Store, "reads/s"));

        var durability = _target.Postgres is null ? "WAL + synchronous=FULL" : "server settings as configured";
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{_target.Name} store throughput ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, {seconds} s per run, {durability})")
            .AppendLine()
            .AppendLine("| run | result |")
            .AppendLine("| --- | --- |");
        foreach (var row in rows)
        {
            report.AppendLine(row);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, report.ToString());
        Console.WriteLine();
        Console.Write(report);
        Console.WriteLine($"(written to {output})");
        return 0;
    }

    private static StoreTarget _target = new("SQLite", null);

    /// <summary>Which system of record the runs use: SQLite files, or databases on a PostgreSQL server.</summary>
    private sealed record StoreTarget(string Name, string? Postgres);

    private static async Task<T> RunAsync<T>(Func<string, Task<T>> run)
    {
        if (_target.Postgres is { } server)
        {
            var database = $"store_load_{Guid.NewGuid():N}";
            await ExecuteAsync(server, $"CREATE DATABASE \"{database}\"");
            try
            {
                return await run(new NpgsqlConnectionStringBuilder(server) { Database = database, MaxPoolSize = 64 }.ConnectionString);
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            }
        }

        var folder = Path.Combine(Path.GetTempPath(), $"store-load-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            return await run(Path.Combine(folder, "registry.db"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Opens the store at <paramref name="db"/>: a SQLite file path, or a PostgreSQL connection string.</summary>
    private static async Task<(IRegistryStore Store, SchemaRegistry Registry)> OpenAsync(string db)
    {
        IRegistryStore store = _target.Postgres is null
            ? new SqliteRegistryStore(new SqliteStoreOptions { Path = db })
            : new PostgresRegistryStore(new PostgresStoreOptions { ConnectionString = db, MaxPoolSize = 64 });
        await store.InitializeAsync(CancellationToken.None);
        return (store, new SchemaRegistry(store));
    }

    private static string Schema(string title) =>
        "{\"title\":\"" + title + "\",\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"format\":\"uuid\"},\"amount\":{\"type\":\"number\",\"minimum\":0},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},\"required\":[\"id\"]}";

    private static async Task<double> RegisterNewSubjectsAsync(string db, int writers, TimeSpan duration)
    {
        var (store, registry) = await OpenAsync(db);
        await using var _ = store;
        return await CountAsync(writers, duration, async (w, i) =>
            await registry.RegisterAsync(new SchemaRegistration { Subject = $"s{w}-{i}", Schema = Encoding.UTF8.GetBytes(Schema($"{w}-{i}")) }));
    }

    private static async Task<double> RegisterVersionsAsync(string db, int writers, TimeSpan duration)
    {
        var (store, registry) = await OpenAsync(db);
        await using var _ = store;
        try
        {
            // Each new version only changes an annotation: compatible, so every registration is checked and accepted.
            return await CountAsync(writers, duration, async (w, i) =>
                await registry.RegisterAsync(new SchemaRegistration { Subject = $"subject-{w}", Schema = Encoding.UTF8.GetBytes(Schema($"{w}-{i}")) }));
        }
        catch (NotImplementedException)
        {
            return double.NaN; // the compatibility checker is not built yet
        }
    }

    private static async Task<double> AppendAsync(string db, TimeSpan duration)
    {
        var (store, _) = await OpenAsync(db);
        await using var __ = store;
        return await CountAsync(1, duration, async (_, i) =>
        {
            var content = Encoding.UTF8.GetBytes(Schema($"append-{i}"));
            var identity = SchemaIdentity.Compute("JSON", content, [], 64);
            var result = await store.AppendVersionAsync(new VersionAppend
            {
                Subject = $"append-{i}",
                ExpectedRevision = 0,
                SchemaType = "JSON",
                Fingerprint = identity.Fingerprint,
                ContentHash = identity.ContentHash,
                Content = content,
                References = [],
                CreatedAt = DateTimeOffset.UtcNow,
            }, CancellationToken.None);
            if (result.Outcome != WriteOutcome.Done)
            {
                throw new InvalidOperationException(result.Outcome.ToString());
            }
        });
    }

    private static async Task<(double Warm, double Store)> ReadByIdAsync(string db, int schemas, int readers, TimeSpan duration)
    {
        var (store, registry) = await OpenAsync(db);
        await using var _ = store;
        await registry.SetCompatibilityAsync(null, CompatibilityLevel.None);
        for (var i = 0; i < schemas; i++)
        {
            await registry.RegisterAsync(new SchemaRegistration { Subject = $"r{i}", Schema = Encoding.UTF8.GetBytes(Schema($"r{i}")) });
        }

        for (long id = 1; id <= schemas; id++)
        {
            await registry.GetSchemaAsync(id);
        }

        var warm = await CountAsync(readers, duration, async (w, i) =>
        {
            var record = await registry.GetSchemaAsync(Id(w, i, schemas));
            if (record.Content.IsEmpty)
            {
                throw new InvalidOperationException("empty schema");
            }
        });
        var cold = await CountAsync(readers, duration, async (w, i) =>
        {
            var record = await store.GetSchemaAsync(Id(w, i, schemas), CancellationToken.None);
            if (record is null)
            {
                throw new InvalidOperationException("missing schema");
            }
        });
        return (warm, cold);
    }

    /// <summary>Spreads readers over the ids 1..<paramref name="schemas"/>.</summary>
    private static long Id(int reader, int i, int schemas) => 1 + ((((reader * 7919L) + i) % schemas) + schemas) % schemas;

    /// <summary>Runs <paramref name="tasks"/> loops of <paramref name="operation"/> for the duration; returns operations per second.</summary>
    private static async Task<double> CountAsync(int tasks, TimeSpan duration, Func<int, int, Task> operation)
    {
        // Warm-up: one operation per task, not counted.
        await Task.WhenAll(Enumerable.Range(0, tasks).Select(w => operation(w, -1)));
        long done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, tasks).Select(w => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                await operation(w, i);
                Interlocked.Increment(ref done);
            }
        })));
        return done / clock.Elapsed.TotalSeconds;
    }

    private static string Row(string name, double perSecond, string unit)
    {
        var row = Format(name, perSecond, unit);
        Console.WriteLine(row);
        return row;
    }

    private static string Format(string name, double perSecond, string unit) =>
        double.IsNaN(perSecond)
            ? $"| {name} | n/a (compatibility checker not built yet) |"
            : string.Create(CultureInfo.InvariantCulture, $"| {name} | {perSecond:N0} {unit} |");

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string OptionText(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int[] OptionList(string[] args, string name, int[] fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length
            ? [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]
            : fallback;
    }
}
