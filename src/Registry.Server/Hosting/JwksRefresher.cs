using System.Net;
using Registry.Engine.Security;

namespace Registry.Server.Hosting;

/// <summary>
/// Keeps the JWT signing keys of <c>Registry:Security:Jwt:JwksUrl</c> current: fetched once before the listeners start
/// (a failure is logged and retried; tokens are refused meanwhile, API keys keep working), then every
/// <see cref="JwtOptions.JwksRefreshInterval"/>, and soon after a token names a key id the set lacks — how an issuer's
/// key rotation reaches the registry without a restart. A fetch is bounded in time (10 s) and size (1 MiB); a document
/// that is not a usable key set leaves the keys in use unchanged.
/// </summary>
internal sealed partial class JwksRefresher : IHostedLifecycleService, IDisposable
{
    /// <summary>The most a key set may weigh: real ones are a few KiB.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    private readonly Uri _url;
    private readonly JwtOptions _options;
    private readonly JwtValidator _validator;
    private readonly TimeProvider _time;
    private readonly ILogger<JwksRefresher> _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private long _lastFetch;
    private int _fetches;
    private int _disposed;

    public JwksRefresher(Uri url, JwtOptions options, JwtValidator validator, TimeProvider time, ILogger<JwksRefresher> logger)
    {
        _url = url;
        _options = options;
        _validator = validator;
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(10),
            MaxResponseContentBufferSize = MaxDocumentBytes,
        };
        validator.UnknownKeyId = _ => Wake();
    }

    /// <summary>Fetches made so far, successful or not.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>The URL as configured, checked: absolute, https, or http to a loopback address only (keys over plain HTTP could be swapped on the way).</summary>
    public static Uri CheckUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException($"Registry:Security:Jwt:JwksUrl: '{url}' is not an http(s) URL.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new InvalidOperationException(
                $"Registry:Security:Jwt:JwksUrl: '{url}' uses plain http to another machine, where the keys could be replaced on the way; use https.");
        }

        return uri;
    }

    /// <summary>Fetches the key set now; true when it was read and put in use.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fetches);
        Volatile.Write(ref _lastFetch, _time.GetTimestamp());
        try
        {
            using var response = await _http.GetAsync(_url, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                FetchFailed(_logger, _url, $"the server answered {(int)response.StatusCode}");
                return false;
            }

            var count = _validator.ReplaceKeys(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            KeysLoaded(_logger, count, _url);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever the issuer sends (an unreachable host, a document that is not a key set, key material that does
            // not decode), the keys in use stay and the loop goes on.
            FetchFailed(_logger, _url, e switch
            {
                TaskCanceledException => "no answer within 10 s",
                HttpRequestException or InvalidOperationException => e.Message,
                _ => "the document holds a key that cannot be read",
            });
            return false;
        }
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        // Registered as itself and as a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
        _http.Dispose();
        _wake.Dispose();
    }

    private void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
            // Already woken, or stopped.
        }
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // Without keys (the first fetch failed) try again soon; with them, at the refresh interval or when woken.
            var wait = _validator.KeyCount == 0 ? _options.JwksMinRefetch : _options.JwksRefreshInterval;
            await _wake.WaitAsync(wait, stopping).ConfigureAwait(false);
            var since = _time.GetElapsedTime(Volatile.Read(ref _lastFetch));
            if (since < _options.JwksMinRefetch)
            {
                await Task.Delay(_options.JwksMinRefetch - since, _time, stopping).ConfigureAwait(false);
            }

            await RefreshAsync(stopping).ConfigureAwait(false);
        }
    }

    [LoggerMessage(120, LogLevel.Information, "Loaded {Count} JWT signing keys from {Url}")]
    private static partial void KeysLoaded(ILogger logger, int count, Uri url);

    [LoggerMessage(121, LogLevel.Error, "Could not load the JWT signing keys from {Url}: {Reason}; the keys in use stay, and the fetch is retried")]
    private static partial void FetchFailed(ILogger logger, Uri url, string reason);
}
