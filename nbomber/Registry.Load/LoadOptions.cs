using System.Globalization;

namespace Registry.Load;

/// <summary>What a run does: which scenario, against which server, with how much concurrency, for how long.</summary>
internal sealed record LoadOptions
{
    public string Endpoint { get; init; } = "127.0.0.1:9091";

    public Scenario Scenario { get; init; } = Scenario.GetById;

    /// <summary>Connections in the client's pool.</summary>
    public int Connections { get; init; } = 1;

    /// <summary>Requests each connection has in flight (callers per connection).</summary>
    public int Depth { get; init; } = 1;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests per second in all, or 0 for as fast as answers come (closed loop).</summary>
    public double Rate { get; init; }

    /// <summary>Size of the schema GET_SCHEMA_BY_ID returns (to match redis-benchmark's value size).</summary>
    public int PayloadBytes { get; init; } = 256;

    /// <summary>Continuations run on the client's receive loop (no thread hop); the driver's are short.</summary>
    public bool InlineContinuations { get; init; } = true;

    /// <summary>Print one tab-separated line instead of the report (for scripts).</summary>
    public bool Tsv { get; init; }

    public int Workers => Connections * Depth;

    public const string Usage = """
        usage: Registry.Load [options]
          --endpoint host:port   binary endpoint of the server (default 127.0.0.1:9091)
          --scenario NAME        get | validate | register | mix (80% get, 15% validate, 5% register); default get
          --connections N        connections in the client's pool (default 1)
          --depth N              requests in flight per connection, i.e. pipeline depth (default 1)
          --warmup SECONDS       unmeasured load before the measured run (default 3)
          --duration SECONDS     measured run (default 10)
          --rate N               open loop: a fixed arrival rate in requests/s over all connections, sent whether or not
                                 earlier answers came (default 0: closed loop, as fast as answers come); at most
                                 connections × depth requests (or 10 ms of arrivals) outstanding, requests due beyond
                                 that count as errors
          --payload BYTES        size of the schema fetched by get (default 256)
          --no-inline            resume callers on the thread pool instead of the client's receive loop
          --tsv                  print one tab-separated result line
        Registry.Load raw [options]: pre-encoded GET_SCHEMA_BY_ID over plain sockets from one thread, without the client
          (the options above apply; --depth is the batch in the closed loop and the in-flight cap in the open loop)
          --tick-us N            open loop: send what is due every N µs (default 0: as it comes due)
          --redis                drive a Redis server at --endpoint with GETs of the key redis-benchmark's SET writes
          --threads              closed loop on one blocking thread per connection instead (the earlier driver)
          Exits with 3, saying why on stderr, when an open-loop run falls below 98 % of --rate, leaves due requests
          unsent, or gets error responses.
        """;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--endpoint" => options with { Endpoint = Next() },
                "--scenario" => options with { Scenario = ParseScenario(Next()) },
                "--connections" => options with { Connections = PositiveInt(name, Next()) },
                "--depth" => options with { Depth = PositiveInt(name, Next()) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--rate" => options with { Rate = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--payload" => options with { PayloadBytes = PositiveInt(name, Next()) },
                "--no-inline" => options with { InlineContinuations = false },
                "--tsv" => options with { Tsv = true },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        if (options.Duration <= TimeSpan.Zero || options.Warmup < TimeSpan.Zero || options.Rate < 0)
        {
            throw new ArgumentException("--duration must be positive, --warmup and --rate not negative.");
        }

        return options;
    }

    private static Scenario ParseScenario(string value) => value switch
    {
        "get" => Scenario.GetById,
        "validate" => Scenario.ValidateById,
        "register" => Scenario.Register,
        "mix" => Scenario.Mix,
        _ => throw new ArgumentException($"Unknown scenario {value}: get, validate, register or mix."),
    };

    private static int PositiveInt(string name, string value)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive integer.");
}

internal enum Scenario
{
    GetById,
    ValidateById,
    Register,
    Mix,
}
