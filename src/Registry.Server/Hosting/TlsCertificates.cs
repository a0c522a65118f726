using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Registry.Server.Hosting;

/// <summary>TLS on the listeners (<c>Registry:Tls</c>; docs/security.md, section "TLS").</summary>
public sealed class TlsOptions
{
    /// <summary>The server's certificate (chain) as a PEM file; TLS is off while it is unset.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The certificate's private key as a PEM file; unset when <see cref="CertificateFile"/> holds the key too.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Which listeners speak TLS: <c>both</c> (the default), <c>http</c> or <c>binary</c>.</summary>
    public string Listeners { get; set; } = "both";

    /// <summary>How often the files are checked for a change (a renewed certificate is used from the next connection).</summary>
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when a certificate is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificateFile);

    /// <summary>True when the HTTP listener speaks TLS.</summary>
    public bool OnHttp => Enabled && Listeners is "both" or "http";

    /// <summary>True when the binary listener speaks TLS.</summary>
    public bool OnBinary => Enabled && Listeners is "both" or "binary";

    /// <summary>Throws <see cref="InvalidOperationException"/> with the setting's name when the section is inconsistent.</summary>
    public void Validate()
    {
        if (Listeners is not ("both" or "http" or "binary"))
        {
            throw new InvalidOperationException($"Registry:Tls:Listeners is '{Listeners}'; use both, http or binary.");
        }

        if (!Enabled && !string.IsNullOrWhiteSpace(KeyFile))
        {
            throw new InvalidOperationException("Registry:Tls:KeyFile is set without Registry:Tls:CertificateFile; set both (or neither, for no TLS).");
        }

        if (ReloadCheckInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Registry:Tls:ReloadCheckInterval must be positive.");
        }
    }
}

/// <summary>
/// The certificate the TLS listeners present, read from PEM files and read again when either file changes (checked
/// at most once per <see cref="TlsOptions.ReloadCheckInterval"/>, on a new connection): a renewed certificate is
/// served from the next handshake without a restart. A change that cannot be read (half-written, key not matching)
/// keeps the previous certificate and is logged; the next check tries again.
/// </summary>
internal sealed partial class TlsCertificates : IDisposable
{
    private readonly string _certificateFile;
    private readonly string? _keyFile;
    private readonly long _checkIntervalMs;
    private ILogger _log = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private readonly Lock _lock = new();
    private X509Certificate2 _current;
    private (DateTime, long, DateTime, long) _stamp;
    private long _nextCheck;

    /// <summary>Reads the certificate, or throws <see cref="InvalidOperationException"/> saying which file and why.</summary>
    public TlsCertificates(TlsOptions options)
    {
        _certificateFile = options.CertificateFile!;
        _keyFile = string.IsNullOrWhiteSpace(options.KeyFile) ? null : options.KeyFile;
        _checkIntervalMs = (long)options.ReloadCheckInterval.TotalMilliseconds;
        _stamp = Stamp();
        _current = Load(_certificateFile, _keyFile, out var problem)
            ?? throw new InvalidOperationException($"Registry:Tls: the certificate cannot be used: {problem}");
        _nextCheck = Environment.TickCount64 + _checkIntervalMs;
    }

    /// <summary>The certificate to present now (reloaded first when a file changed since the last check).</summary>
    public X509Certificate2 Current
    {
        get
        {
            if (Environment.TickCount64 >= Volatile.Read(ref _nextCheck))
            {
                Refresh();
            }

            return Volatile.Read(ref _current);
        }
    }

    /// <summary>Where reloads are logged, once the application's logging is built.</summary>
    public void UseLogger(ILogger log) => _log = log;

    /// <summary>Number of successful reloads since start (for tests and logs).</summary>
    public int Reloads { get; private set; }

    public void Dispose() => _current.Dispose();

    private void Refresh()
    {
        lock (_lock)
        {
            if (Environment.TickCount64 < _nextCheck)
            {
                return;
            }

            _nextCheck = Environment.TickCount64 + _checkIntervalMs;
            var stamp = Stamp();
            if (stamp == _stamp)
            {
                return;
            }

            var loaded = Load(_certificateFile, _keyFile, out var problem);
            if (loaded is null)
            {
                // Keep serving the old certificate; a writer may still be replacing the files.
                Log.ReloadFailed(_log, problem);
                return;
            }

            _stamp = stamp;

            // The old certificate is left to the GC: handshakes in progress may still hold it.
            Volatile.Write(ref _current, loaded);
            Reloads++;
            Log.Reloaded(_log, loaded.Subject, loaded.NotAfter);
        }
    }

    private (DateTime, long, DateTime, long) Stamp()
    {
        var certificate = new FileInfo(_certificateFile);
        var key = _keyFile is null ? null : new FileInfo(_keyFile);
        return (
            certificate.Exists ? certificate.LastWriteTimeUtc : default, certificate.Exists ? certificate.Length : -1,
            key is { Exists: true } ? key.LastWriteTimeUtc : default, key is { Exists: true } ? key.Length : -1);
    }

    private static X509Certificate2? Load(string certificateFile, string? keyFile, out string problem)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                problem = $"{certificateFile} has no private key (set Registry:Tls:KeyFile).";
                return null;
            }

            problem = "";
            return certificate;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot read {(File.Exists(certificateFile) ? keyFile : certificateFile)}: {e.Message}";
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            problem = $"{certificateFile}{(keyFile is null ? "" : " with " + keyFile)} is not a PEM certificate with its private key: {e.Message}";
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(110, LogLevel.Information, "TLS certificate reloaded: {Subject}, valid until {NotAfter:u}")]
        public static partial void Reloaded(ILogger log, string subject, DateTime notAfter);

        [LoggerMessage(111, LogLevel.Warning, "TLS certificate changed on disk but cannot be used yet; the previous one is still served: {Problem}")]
        public static partial void ReloadFailed(ILogger log, string problem);
    }
}
