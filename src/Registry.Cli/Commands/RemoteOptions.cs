using System.CommandLine;
using System.CommandLine.Completions;
using System.Globalization;
using Registry.Cli.Remote;
using Registry.Cli.Terminal;
using Registry.Client;

namespace Registry.Cli.Commands;

/// <summary>
/// The options every remote command takes: where the server is (<c>--server</c>, else <c>REGISTRY_URL</c>), which
/// transport (<c>--binary</c>), how long to wait (<c>--timeout</c>), the API key (<c>--api-key</c>, else
/// <c>REGISTRY_API_KEY</c>) and the authorities trusted for TLS (<c>--ca-file</c>, else <c>REGISTRY_CA_FILE</c>).
/// </summary>
internal sealed class RemoteOptions
{
    public const string UrlVariable = "REGISTRY_URL";
    public const string ApiKeyVariable = "REGISTRY_API_KEY";
    public const string CaFileVariable = "REGISTRY_CA_FILE";
    public const string DefaultHttp = "http://127.0.0.1:8081";
    public const string DefaultBinary = "127.0.0.1:9091";

    private readonly CliConsole _console;

    public RemoteOptions(CliConsole console)
    {
        _console = console;
        Server = new Option<string>("--server", "-s")
        {
            Description = $"The registry: an HTTP URL ({DefaultHttp}), or host:port of the binary listener with --binary ({DefaultBinary}). Default: ${UrlVariable}",
            HelpName = "URL",
            Recursive = true,
        };
        Binary = new Option<bool>("--binary")
        {
            Description = "Use the binary protocol instead of HTTP (an http:// server URL then means its host on port 9091; https:// or tls://host:port connects with TLS)",
            Recursive = true,
        };
        ApiKey = new Option<string>("--api-key")
        {
            Description = $"The API key to authenticate with (default: ${ApiKeyVariable}, which keeps it out of the shell's history)",
            HelpName = "KEY",
            Recursive = true,
        };
        CaFile = new Option<string>("--ca-file")
        {
            Description = $"A PEM file of certificate authorities to trust besides the system's, for a server with a private or self-signed certificate (default: ${CaFileVariable})",
            HelpName = "FILE",
            Recursive = true,
        };
        Timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for each answer",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 30,
            Recursive = true,
        };
        Timeout.Validators.Add(result =>
        {
            if (CommandKit.Number(result) is <= 0 or > 86_400 or double.NaN)
            {
                result.AddError("--timeout must be a number of seconds above 0");
            }
        });
    }

    public Option<string> Server { get; }

    public Option<bool> Binary { get; }

    public Option<double> Timeout { get; }

    public Option<string> ApiKey { get; }

    public Option<string> CaFile { get; }

    /// <summary>Adds the options to a command (and, being recursive, to its sub-commands).</summary>
    public void AddTo(Command command)
    {
        command.Add(Server);
        command.Add(Binary);
        command.Add(Timeout);
        command.Add(ApiKey);
        command.Add(CaFile);
    }

    /// <summary>The API key and trusted authorities the command line (or the environment) names.</summary>
    /// <exception cref="ArgumentException">The CA file cannot be read; the message says why.</exception>
    public RemoteSecurity Security(ParseResult parse)
    {
        var key = Setting(parse.GetValue(ApiKey), ApiKeyVariable);
        var caFile = Setting(parse.GetValue(CaFile), CaFileVariable);
        if (caFile is null)
        {
            return new RemoteSecurity(key, null);
        }

        try
        {
            return new RemoteSecurity(key, RegistryClientTls.LoadRoots(caFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ArgumentException($"cannot read the CA file {caFile}: {e.Message}", e);
        }
    }

    /// <summary>The server address the command line (or <c>REGISTRY_URL</c>) names, or null for the default.</summary>
    public string? ServerValue(ParseResult parse) => Setting(parse.GetValue(Server), UrlVariable);

    private string? Setting(string? value, string variable)
    {
        value ??= _console.Environment(variable);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Opens the API for the transport and server the command line names.</summary>
    /// <exception cref="ArgumentException">The server address is not usable; the message says why.</exception>
    public IRegistryApi Connect(ParseResult parse)
    {
        var value = ServerValue(parse);
        var timeout = TimeSpan.FromSeconds(parse.GetValue(Timeout));
        var security = Security(parse);
        return parse.GetValue(Binary)
            ? new BinaryRegistryApi(BinaryEndpoint(value ?? DefaultBinary), timeout, security, UsesTls(value))
            : new HttpRegistryApi(HttpBase(value ?? DefaultHttp), timeout, security);
    }

    /// <summary>Subject names from the server that start with the word being completed (nothing if it cannot answer quickly).</summary>
    public IEnumerable<CompletionItem> CompleteSubjects(CompletionContext context)
    {
        try
        {
            var parse = context.ParseResult;
            var server = ServerValue(parse);
            var security = Security(parse);
            IRegistryApi api = parse.GetValue(Binary)
                ? new BinaryRegistryApi(BinaryEndpoint(server ?? DefaultBinary), TimeSpan.FromSeconds(2), security, UsesTls(server))
                : new HttpRegistryApi(HttpBase(server ?? DefaultHttp), TimeSpan.FromSeconds(2), security);
            try
            {
                var prefix = context.WordToComplete.Length == 0 ? null : context.WordToComplete;
                var names = api.ListSubjectsAsync(prefix, DeletedFilter.Exclude, 0, 200, CancellationToken.None).GetAwaiter().GetResult();
                return names.Select(n => new CompletionItem(n)).ToList();
            }
            finally
            {
                api.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is RemoteException or ArgumentException or InvalidOperationException)
        {
            return [];
        }
    }

    /// <summary>An absolute http(s) URL ending in '/', so that relative API paths keep any path prefix of the server.</summary>
    internal static Uri HttpBase(string value)
    {
        var text = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{value}' is not an HTTP URL of a registry (e.g. {DefaultHttp}).");
        }

        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }

    /// <summary>True when the binary protocol is to use TLS: the server is named as <c>tls://host:port</c> or as an https URL.</summary>
    internal static bool UsesTls(string? value) =>
        value is not null && (value.StartsWith("tls://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// host:port of the binary listener: given as such (optionally as tcp://host:port or tls://host:port), or the host
    /// of an HTTP URL on port 9091.
    /// </summary>
    internal static string BinaryEndpoint(string value)
    {
        string endpoint;
        if (value.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("tls://", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = value["tcp://".Length..].TrimEnd('/');
        }
        else if (value.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            {
                throw new ArgumentException($"'{value}' is not a registry address (e.g. {DefaultBinary}).");
            }

            endpoint = $"{(uri.HostNameType == UriHostNameType.IPv6 ? $"[{uri.IdnHost}]" : uri.IdnHost)}:{RegistryClientOptions.DefaultPort.ToString(CultureInfo.InvariantCulture)}";
        }
        else
        {
            endpoint = value;
        }

        // The client's own check of host:port, with its message.
        new RegistryClientOptions { Endpoints = [endpoint] }.Validate();
        return endpoint;
    }
}
