using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Registry.Testing;

/// <summary>
/// A server process of its own for a fault test (redis-server, s3rver, PostgreSQL), on a free loopback port with its
/// data in a temporary folder, that the test may stop and start again on the same port and data. Fault tests use
/// these, never the shared services that other test projects are using at the same time.
/// </summary>
public abstract class PrivateService : IAsyncDisposable
{
    private bool _running;

    /// <summary>Creates the service description; call <see cref="StartAsync"/>.</summary>
    protected PrivateService(string name)
    {
        Name = name;
        Folder = new TemporaryDirectory($"private-{name}");
        Port = FreePort();
    }

    /// <summary>Which server it is.</summary>
    public string Name { get; }

    /// <summary>Its loopback port (the same across restarts).</summary>
    public int Port { get; }

    /// <summary>Its data, logs and sockets.</summary>
    public TemporaryDirectory Folder { get; }

    /// <summary>True between a start and a stop.</summary>
    public bool IsRunning => _running;

    /// <summary>Starts the server and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        await StartProcessAsync().ConfigureAwait(false);
        await WaitUntilAsync(AcceptsAsync, TimeSpan.FromSeconds(60), $"{Name} did not start on port {Port} (see {Folder.Path})").ConfigureAwait(false);
        _running = true;
    }

    /// <summary>Stops the server (its data is kept) and waits until the port refuses connections.</summary>
    public async Task StopAsync()
    {
        _running = false;
        await StopProcessAsync().ConfigureAwait(false);
        await WaitUntilAsync(async () => !await AcceptsAsync().ConfigureAwait(false), TimeSpan.FromSeconds(30), $"{Name} did not stop").ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_running)
            {
                await StopProcessAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Folder.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Launches the server process.</summary>
    protected abstract Task StartProcessAsync();

    /// <summary>Ends the server process.</summary>
    protected abstract Task StopProcessAsync();

    /// <summary>True when the port accepts a TCP connection.</summary>
    protected virtual async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a process with its output sent to a log file in <see cref="Folder"/>.</summary>
    protected Process Launch(string file, IEnumerable<string> arguments, string log)
    {
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder.Path,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var writer = new StreamWriter(Folder.File(log), append: true) { AutoFlush = true };
        var gate = new object();
        process.OutputDataReceived += (_, e) => { lock (gate) { if (e.Data is not null) { writer.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { lock (gate) { if (e.Data is not null) { writer.WriteLine(e.Data); } } };
        process.Exited += (_, _) => { lock (gate) { writer.Dispose(); } };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a command to completion; throws with its output when it fails.</summary>
    protected static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output.ConfigureAwait(false)} {await error.ConfigureAwait(false)}");
        }
    }

    /// <summary>Ends a process and waits for it.</summary>
    protected static async Task KillAsync(Process? process)
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await condition().ConfigureAwait(false))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException(failure);
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}

/// <summary>A redis-server of its own (no persistence: a restart comes back empty, like a lost cache node).</summary>
public sealed class PrivateRedis : PrivateService
{
    private Process? _process;

    private PrivateRedis()
        : base("redis")
    {
    }

    /// <summary>StackExchange.Redis configuration string.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a new instance.</summary>
    public static async Task<PrivateRedis> StartNewAsync()
    {
        var redis = new PrivateRedis();
        await redis.StartAsync().ConfigureAwait(false);
        return redis;
    }

    /// <inheritdoc />
    protected override Task StartProcessAsync()
    {
        _process = Launch("redis-server", ["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dir", Folder.Path, "--save", "", "--appendonly", "no"], "redis.log");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task StopProcessAsync()
    {
        await KillAsync(_process).ConfigureAwait(false);
        _process = null;
    }
}

/// <summary>An s3rver of its own (npm, under scripts/services), keeping its objects across restarts.</summary>
public sealed class PrivateS3 : PrivateService
{
    private Process? _process;

    private PrivateS3()
        : base("s3")
    {
        Directory.CreateDirectory(Folder.File("data"));
    }

    /// <summary>Service URL.</summary>
    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>s3rver's fixed credentials.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>s3rver's fixed credentials.</summary>
    public const string SecretKey = "S3RVER";

    /// <summary>Starts a new instance.</summary>
    public static async Task<PrivateS3> StartNewAsync()
    {
        var s3 = new PrivateS3();
        await s3.StartAsync().ConfigureAwait(false);
        return s3;
    }

    /// <inheritdoc />
    protected override Task StartProcessAsync()
    {
        var executable = Path.Combine(RepositoryPaths.Root, "scripts", "services", "node_modules", ".bin", "s3rver");
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException(
                $"s3rver is not installed at {executable}: run ./scripts/services.sh up (or npm install in scripts/services).");
        }

        _process = Launch(executable, ["--directory", Folder.File("data"), "--address", "127.0.0.1",
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent"], "s3rver.log");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task StopProcessAsync()
    {
        await KillAsync(_process).ConfigureAwait(false);
        _process = null;
    }
}

/// <summary>
/// A PostgreSQL server of its own (the Debian binaries, initdb into a temporary folder; run as the <c>postgres</c>
/// user when the tests run as root, since PostgreSQL refuses to run as root). Stopped with <c>pg_ctl stop -m fast</c>.
/// </summary>
public sealed class PrivatePostgres : PrivateService
{
    private readonly string _bin;

    private PrivatePostgres(string bin)
        : base("postgres")
    {
        _bin = bin;
    }

    /// <summary>Npgsql connection string to the <c>postgres</c> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true";

    private string Data => Folder.File("data");

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Initialises a cluster and starts it.</summary>
    public static async Task<PrivatePostgres> StartNewAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(Directory.Exists)
                .OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).LastOrDefault()
            : null;
        if (bin is null || !File.Exists(Path.Combine(bin, "initdb")) || !File.Exists(Path.Combine(bin, "pg_ctl")))
        {
            throw new DirectoryNotFoundException(
                "This test starts a PostgreSQL server of its own and needs initdb and pg_ctl under /usr/lib/postgresql/<version>/bin, " +
                "which were not found: install the Debian package postgresql (./scripts/services.sh up or ./scripts/test.sh does).");
        }

        var postgres = new PrivatePostgres(bin);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres", postgres.Folder.Path).ConfigureAwait(false);
        }

        await postgres.AsPostgresAsync("initdb", "-D", postgres.Data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8").ConfigureAwait(false);
        await postgres.StartAsync().ConfigureAwait(false);
        return postgres;
    }

    /// <inheritdoc />
    protected override Task StartProcessAsync() =>
        AsPostgresAsync("pg_ctl", "-D", Data, "-l", Folder.File("server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {Folder.Path} -c fsync=off -c max_connections=100", "start");

    /// <inheritdoc />
    protected override Task StopProcessAsync() => AsPostgresAsync("pg_ctl", "-D", Data, "-m", "fast", "-w", "-t", "60", "stop");

    private Task AsPostgresAsync(string tool, params string[] arguments) =>
        IsRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments])
            : RunAsync(Path.Combine(_bin, tool), arguments);
}
