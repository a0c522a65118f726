using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Registry.Cli.Remote;

/// <summary>
/// Streams a backup from the server to a file (<c>GET /v1/export</c>) and from a file to the server
/// (<c>POST /v1/import</c>), never holding it in memory. The timeout is an idle timeout: the transfer is abandoned when
/// no byte moved (or, after the upload, no answer came) for that long, however long the whole transfer takes.
/// </summary>
internal sealed class BackupTransfer : IDisposable
{
    /// <summary>The media type of a backup.</summary>
    public const string MediaType = "application/x-ndjson";

    private const int BufferBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly TimeSpan _idle;

    public BackupTransfer(Uri server, TimeSpan idleTimeout, RemoteSecurity? security = null)
    {
        _idle = idleTimeout;
        _http = (security ?? RemoteSecurity.None).CreateHttpClient(server, Timeout.InfiniteTimeSpan, decompress: false);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Downloads the backup into <paramref name="destination"/>, reporting lines against the header's record count.
    /// Fails (unavailable) when the stream ends without the manifest line: the server failed mid-way.
    /// </summary>
    public async Task<DownloadResult> DownloadAsync(Stream destination, IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(_idle);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "v1/export"), HttpCompletionOption.ResponseHeadersRead, idle, ct);
        await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferBytes];
        var firstLine = new MemoryStream();
        var firstDone = false;
        var current = new byte[16];
        var currentLength = 0;
        var lastWasManifest = false;
        long bytes = 0;
        long lines = 0;
        long total = 0;
        while (true)
        {
            int read;
            try
            {
                read = await body.ReadAsync(buffer, idle.Token);
            }
            catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw Broken(e);
            }

            if (read == 0)
            {
                break;
            }

            idle.CancelAfter(_idle);
            await destination.WriteAsync(buffer.AsMemory(0, read), ct);
            hash.AppendData(buffer, 0, read);
            bytes += read;
            var span = buffer.AsSpan(0, read);
            while (span.Length > 0)
            {
                var newline = span.IndexOf((byte)'\n');
                var part = newline < 0 ? span : span[..newline];
                if (!firstDone && firstLine.Length < (1 << 20))
                {
                    firstLine.Write(part);
                }

                // Only the start of each line matters: it tells the manifest from a record.
                var take = Math.Min(part.Length, current.Length - currentLength);
                part[..take].CopyTo(current.AsSpan(currentLength));
                currentLength += take;
                if (newline < 0)
                {
                    break;
                }

                lines++;
                lastWasManifest = current.AsSpan(0, currentLength).StartsWith("{\"manifest\""u8);
                currentLength = 0;
                if (!firstDone)
                {
                    firstDone = true;
                    total = TotalRecords(firstLine.ToArray());
                }

                if (progress is not null && lines % 256 == 0)
                {
                    progress.Report(((int)Math.Min(int.MaxValue, lines), (int)Math.Min(int.MaxValue, total + 6)));
                }

                span = span[(newline + 1)..];
            }
        }

        // The stream ended: its last line must be the complete manifest, with nothing after it.
        if (currentLength != 0 || !lastWasManifest)
        {
            throw Broken(null);
        }

        progress?.Report(((int)Math.Min(int.MaxValue, lines), (int)Math.Min(int.MaxValue, lines)));
        return new DownloadResult(bytes, Convert.ToHexStringLower(hash.GetHashAndReset()), firstLine.ToArray());
    }

    /// <summary>
    /// Uploads the backup in <paramref name="source"/>; returns the server's answer (JSON). <paramref name="sizeHint"/>
    /// is the size of a source that cannot tell it (an S3 object), for the progress bar; -1 when unknown.
    /// </summary>
    public async Task<JsonDocument> UploadAsync(Stream source, bool merge, bool verify, IProgress<(int Done, int Total)>? progress, CancellationToken ct, long sizeHint = -1)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(_idle);
        var query = verify ? "?verify=true" : merge ? "?merge=true" : "";
        var length = source.CanSeek ? source.Length : sizeHint;
        var counting = new CountingStream(source, read =>
        {
            idle.CancelAfter(_idle);
            if (progress is not null && length > 0)
            {
                // In KiB, so that a file of many gigabytes still fits the progress bar's integers.
                progress.Report(((int)(read / 1024), (int)Math.Max(1, length / 1024)));
            }
        });
        using var content = new StreamContent(counting, BufferBytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaType);
        if (length >= 0)
        {
            content.Headers.ContentLength = length;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/import" + query) { Content = content };
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, idle, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new RemoteException(RemoteFailure.Unavailable, new ErrorModel
            {
                ErrorCode = "unavailable",
                Message = $"the server at {_http.BaseAddress} answered the restore with a body that is not the registry's: {e.Message}",
            }, e);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationTokenSource idle, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, idle.Token);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable($"cannot reach the registry at {_http.BaseAddress}: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Unavailable($"the registry at {_http.BaseAddress} did not answer within {_idle.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            throw Failure(response.StatusCode, body);
        }
    }

    private RemoteException Failure(HttpStatusCode status, byte[] body)
    {
        ErrorModel? error = null;
        try
        {
            error = body.Length == 0 ? null : JsonSerializer.Deserialize(body, CliJsonContext.Default.ErrorModel);
        }
        catch (JsonException)
        {
            // Not the registry's error body: described from the status below.
        }

        error ??= new ErrorModel
        {
            ErrorCode = (int)status >= 500 ? "server_error" : "http_" + ((int)status).ToString(CultureInfo.InvariantCulture),
            Message = $"The server at {_http.BaseAddress} answered HTTP {(int)status} without a registry error body.",
        };
        return new RemoteException((int)status >= 500 ? RemoteFailure.Unavailable : RemoteFailure.Refused, error);
    }

    private RemoteException Broken(Exception? inner) => Unavailable(
        $"the backup from {_http.BaseAddress} was cut off before its manifest (the server or the connection failed); the file is incomplete", inner);

    private static RemoteException Unavailable(string message, Exception? inner) =>
        new(RemoteFailure.Unavailable, new ErrorModel { ErrorCode = "unavailable", Message = message }, inner);

    /// <summary>The sum of the header's <c>counts</c>, for the progress bar (0 when it has none).</summary>
    private static long TotalRecords(byte[] header)
    {
        try
        {
            using var document = JsonDocument.Parse(header);
            long total = 0;
            if (document.RootElement.TryGetProperty("counts", out var counts) && counts.ValueKind == JsonValueKind.Object)
            {
                foreach (var count in counts.EnumerateObject())
                {
                    total += count.Value.TryGetInt64(out var n) ? n : 0;
                }
            }

            return total;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    /// <summary>A read-only stream that reports how many bytes were read from it.</summary>
    private sealed class CountingStream(Stream inner, Action<long> report) : ReadOnlyStream
    {
        private long _read;

        public override long Length => inner.Length;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Counted(int read)
        {
            _read += read;
            report(_read);
            return read;
        }
    }
}

/// <summary>A finished download.</summary>
/// <param name="Bytes">Size.</param>
/// <param name="Sha256">SHA-256 of the whole file, hex.</param>
/// <param name="Header">The header line.</param>
internal sealed record DownloadResult(long Bytes, string Sha256, byte[] Header);
