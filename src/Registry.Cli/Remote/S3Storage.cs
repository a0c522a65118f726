using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Registry.Cli.Commands;

namespace Registry.Cli.Remote;

/// <summary>An object in an S3 bucket named as <c>s3://bucket/key</c>.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Key">The object's key (not empty).</param>
internal sealed partial record S3Location(string Bucket, string Key)
{
    public const string Scheme = "s3://";

    /// <summary>True when <paramref name="text"/> names an S3 object rather than a file.</summary>
    public static bool Names(string text) => text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads <c>s3://bucket/key</c>; a missing bucket or key, or a bucket name S3 does not allow, is bad input.</summary>
    public static S3Location Parse(string text)
    {
        var rest = text[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length is < 3 or > 63 || !BucketName().IsMatch(bucket))
        {
            throw new InputException($"'{text}' does not name an S3 bucket: write s3://BUCKET/KEY, where BUCKET is 3 to 63 lower-case letters, digits, dots and hyphens");
        }

        if (key.Length == 0 || key.EndsWith('/'))
        {
            throw new InputException($"'{text}' names no object: write s3://{bucket}/KEY, e.g. s3://{bucket}/registry.jsonl.gz");
        }

        if (key.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new InputException($"the key of '{text}' has an empty, '.' or '..' path segment, which web addresses do not keep as written");
        }

        if (Encoding.UTF8.GetByteCount(key) > 1024)
        {
            throw new InputException($"the key of '{text}' is longer than S3's 1,024 bytes");
        }

        return new S3Location(bucket, key);
    }

    public override string ToString() => Scheme + Bucket + "/" + Key;

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();
}

/// <summary>
/// Where backups go in S3 and with which credentials, read as the AWS tools read them: <c>AWS_ACCESS_KEY_ID</c>,
/// <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>, <c>AWS_REGION</c> (else <c>AWS_DEFAULT_REGION</c>, else
/// us-east-1) and the endpoint of an S3-compatible server (<c>--s3-endpoint</c>, else <c>AWS_ENDPOINT_URL_S3</c>, else
/// <c>AWS_ENDPOINT_URL</c>; without one, AWS itself).
/// </summary>
internal sealed record S3Settings(string AccessKey, string SecretKey, string? SessionToken, string Region, Uri? Endpoint)
{
    public static S3Settings From(Func<string, string?> environment, string? endpointOption)
    {
        static string? Value(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        var access = Value(environment("AWS_ACCESS_KEY_ID"));
        var secret = Value(environment("AWS_SECRET_ACCESS_KEY"));
        if (access is null || secret is null)
        {
            throw new InputException("a backup in S3 needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones)");
        }

        var region = Value(environment("AWS_REGION")) ?? Value(environment("AWS_DEFAULT_REGION")) ?? "us-east-1";
        var endpointText = Value(endpointOption) ?? Value(environment("AWS_ENDPOINT_URL_S3")) ?? Value(environment("AWS_ENDPOINT_URL"));
        Uri? endpoint = null;
        if (endpointText is not null
            && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")
                || endpoint.Query.Length > 0 || endpoint.AbsolutePath != "/"))
        {
            throw new InputException($"'{endpointText}' is not an S3 endpoint: give its http:// or https:// address without a path, e.g. http://127.0.0.1:9000");
        }

        return new S3Settings(access, secret, Value(environment("AWS_SESSION_TOKEN")), region, endpoint);
    }
}

/// <summary>
/// The few S3 calls a backup needs, signed with AWS Signature Version 4 over plain HTTP requests (no SDK, so the tool
/// stays one small native binary): HEAD, GET (streamed), PUT of a small object, and multipart upload for a large one.
/// Every body is sent whole with its SHA-256 in <c>x-amz-content-sha256</c>, which the server checks against what it
/// received. With an endpoint the bucket is in the path (S3-compatible servers); on AWS, in the host name.
/// </summary>
internal sealed class S3Storage : IDisposable
{
    private static readonly string EmptySha256 = Convert.ToHexStringLower(SHA256.HashData([]));

    private readonly S3Settings _settings;
    private readonly TimeSpan _timeout;
    private readonly HttpClient _http;

    public S3Storage(S3Settings settings, TimeSpan timeout)
    {
        _settings = settings;
        _timeout = timeout;
        _http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The object's size, or null when there is no such object.</summary>
    public async Task<long?> SizeAsync(S3Location location, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Head, location.Bucket, location.Key, "", null, ct, allowNotFound: true);
        return response.StatusCode == HttpStatusCode.NotFound ? null : response.Content.Headers.ContentLength ?? 0;
    }

    /// <summary>Opens the object for reading, streamed; the length is the object's size.</summary>
    public async Task<(Stream Body, long Length)> OpenAsync(S3Location location, CancellationToken ct)
    {
        var response = await SendAsync(HttpMethod.Get, location.Bucket, location.Key, "", null, ct, streamed: true);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(ct);
            return (new OwningStream(body, response), response.Content.Headers.ContentLength ?? -1);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Writes a whole object in one request.</summary>
    public async Task PutAsync(S3Location location, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, location.Bucket, location.Key, "", content, ct);
    }

    /// <summary>Creates a bucket (for tests and first use against a fresh S3-compatible server).</summary>
    public async Task CreateBucketAsync(string bucket, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, bucket, "", "", null, ct);
    }

    /// <summary>Starts a multipart upload; returns its id.</summary>
    public async Task<string> StartUploadAsync(S3Location location, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, location.Bucket, location.Key, "uploads=", null, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return Element(body, "UploadId") ?? throw Unavailable($"S3 answered the start of an upload to {location} without an upload id");
    }

    /// <summary>Uploads one part (1-based number); returns its ETag.</summary>
    public async Task<string> UploadPartAsync(S3Location location, string uploadId, int number, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var query = $"partNumber={number.ToString(CultureInfo.InvariantCulture)}&uploadId={Encode(uploadId)}";
        using var response = await SendAsync(HttpMethod.Put, location.Bucket, location.Key, query, content, ct);
        return response.Headers.ETag?.ToString() ?? (response.Headers.TryGetValues("ETag", out var values) ? values.First() : null)
            ?? throw Unavailable($"S3 answered part {number} of the upload to {location} without an ETag");
    }

    /// <summary>Completes a multipart upload: the object appears, whole, only now.</summary>
    public async Task CompleteUploadAsync(S3Location location, string uploadId, IReadOnlyList<string> etags, CancellationToken ct)
    {
        var xml = new StringBuilder("<CompleteMultipartUpload>");
        for (var i = 0; i < etags.Count; i++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<Part><PartNumber>{i + 1}</PartNumber><ETag>{System.Security.SecurityElement.Escape(etags[i])}</ETag></Part>");
        }

        xml.Append("</CompleteMultipartUpload>");
        using var response = await SendAsync(HttpMethod.Post, location.Bucket, location.Key, $"uploadId={Encode(uploadId)}", Encoding.UTF8.GetBytes(xml.ToString()), ct);

        // S3 may answer 200 and report a failure in the body.
        var body = await response.Content.ReadAsStringAsync(ct);
        if (Element(body, "Code") is { } code)
        {
            throw Unavailable($"S3 did not complete the upload to {location}: {code} ({Element(body, "Message")})");
        }
    }

    /// <summary>Abandons a multipart upload, so that its parts are not kept (and billed); failures are ignored.</summary>
    public async Task AbortUploadAsync(S3Location location, string uploadId)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Delete, location.Bucket, location.Key, $"uploadId={Encode(uploadId)}", null, CancellationToken.None, allowNotFound: true);
        }
        catch (Exception e) when (e is RemoteException or InputException)
        {
            // Best effort: a bucket lifecycle rule removes abandoned uploads too.
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string bucket, string key, string query, ReadOnlyMemory<byte>? body,
        CancellationToken ct, bool allowNotFound = false, bool streamed = false)
    {
        using var request = CreateRequest(method, bucket, key, query, body, DateTimeOffset.UtcNow);
        var uri = request.RequestUri!;
        var what = $"{method.Method} {S3Location.Scheme}{bucket}/{key}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_timeout);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, streamed ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable($"cannot reach S3 at {uri.GetLeftPart(UriPartial.Authority)} for {what}: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Unavailable($"S3 at {uri.GetLeftPart(UriPartial.Authority)} did not answer {what} within {_timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s", e);
        }

        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
        {
            return response;
        }

        using (response)
        {
            var text = method == HttpMethod.Head ? "" : await response.Content.ReadAsStringAsync(ct);
            // A HEAD answer has no body: its status says what happened.
            var code = Element(text, "Code") ?? response.StatusCode switch
            {
                HttpStatusCode.Forbidden => "AccessDenied",
                HttpStatusCode.NotFound => "NotFound",
                _ => $"HTTP {(int)response.StatusCode}",
            };
            var message = Element(text, "Message");
            var said = $"S3 refused {what}: {code}{(message is null ? "" : $" ({message})")}";
            if ((int)response.StatusCode >= 500)
            {
                throw Unavailable(said, null);
            }

            // A missing bucket or object, or no permission, is like a file that cannot be read or written.
            throw new InputException(said);
        }
    }

    /// <summary>The signed request for an S3 call (<paramref name="query"/> already encoded, e.g. <c>uploadId=…</c>).</summary>
    internal HttpRequestMessage CreateRequest(HttpMethod method, string bucket, string key, string query, ReadOnlyMemory<byte>? body, DateTimeOffset now)
    {
        var (uri, canonicalPath) = Address(bucket, key, query);
        var payloadHash = body is { } b ? Convert.ToHexStringLower(SHA256.HashData(b.Span)) : EmptySha256;
        var request = new HttpRequestMessage(method, uri);
        if (body is { } content)
        {
            request.Content = new ReadOnlyMemoryContent(content);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(query.StartsWith("uploadId=", StringComparison.Ordinal) ? "application/xml" : "application/octet-stream");
        }

        Sign(request, uri, canonicalPath, query, payloadHash, now);
        return request;
    }

    private (Uri Uri, string CanonicalPath) Address(string bucket, string key, string query)
    {
        var encodedKey = string.Join('/', key.Split('/').Select(Encode));
        string origin, path;
        if (_settings.Endpoint is { } endpoint)
        {
            origin = endpoint.GetLeftPart(UriPartial.Authority);
            path = key.Length == 0 ? "/" + bucket : "/" + bucket + "/" + encodedKey;
        }
        else
        {
            origin = $"https://{bucket}.s3.{_settings.Region}.amazonaws.com";
            path = "/" + encodedKey;
        }

        return (new Uri(origin + path + (query.Length == 0 ? "" : "?" + query)), path);
    }

    /// <summary>Adds the Signature Version 4 headers (<c>Authorization</c>, <c>x-amz-date</c>, <c>x-amz-content-sha256</c>).</summary>
    private void Sign(HttpRequestMessage request, Uri uri, string canonicalPath, string query, string payloadHash, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var day = amzDate[..8];
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = uri.Authority,
            ["x-amz-content-sha256"] = payloadHash,
            ["x-amz-date"] = amzDate,
        };
        if (_settings.SessionToken is { } token)
        {
            headers["x-amz-security-token"] = token;
        }

        var canonicalQuery = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .Order(StringComparer.Ordinal));
        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalRequest = string.Join('\n',
            request.Method.Method,
            canonicalPath,
            canonicalQuery,
            string.Concat(headers.Select(h => h.Key + ":" + h.Value + "\n")),
            signedHeaders,
            payloadHash);
        var scope = $"{day}/{_settings.Region}/s3/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + _settings.SecretKey), day);
        key = Hmac(key, _settings.Region);
        key = Hmac(key, "s3");
        key = Hmac(key, "aws4_request");
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));
        foreach (var (name, value) in headers)
        {
            if (name != "host")
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={_settings.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    /// <summary>Percent-encoding as Signature Version 4 wants it: everything but A-Z a-z 0-9 - _ . ~, in upper-case hex.</summary>
    internal static string Encode(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static string? Element(string xml, string name)
    {
        var match = Regex.Match(xml, $"<{name}>([^<]*)</{name}>", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    private static RemoteException Unavailable(string message, Exception? inner = null) =>
        new(RemoteFailure.Unavailable, new ErrorModel { ErrorCode = "unavailable", Message = message }, inner);

    /// <summary>A response body that disposes its response with it.</summary>
    private sealed class OwningStream(Stream inner, HttpResponseMessage response) : ReadOnlyStream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// A write-only stream into an S3 object: the bytes are cut into parts of <see cref="PartBytes"/> and uploaded as they
/// fill (a multipart upload), so memory stays bounded whatever the size; a backup smaller than one part goes up in one
/// request. Nothing appears in the bucket until <see cref="CompleteAsync"/>; <see cref="AbortAsync"/> drops the parts.
/// </summary>
internal sealed class S3UploadStream(S3Storage s3, S3Location location, int partBytes = S3UploadStream.PartBytes) : Stream
{
    /// <summary>8 MiB: above S3's 5 MiB minimum for every part but the last.</summary>
    public const int PartBytes = 8 * 1024 * 1024;

    private readonly List<string> _etags = [];
    private byte[] _buffer = new byte[Math.Min(partBytes, 64 * 1024)];
    private int _filled;
    private string? _uploadId;
    private long _written;

    /// <summary>Bytes written so far (the object's size once complete).</summary>
    public long Written => _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _written;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0)
        {
            if (_filled == partBytes)
            {
                await SendPartAsync(cancellationToken);
            }

            if (_filled == _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Min(partBytes, _buffer.Length * 2));
            }

            var take = Math.Min(buffer.Length, _buffer.Length - _filled);
            buffer.Span[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            _written += take;
            buffer = buffer[take..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Uploads what is left and makes the object appear, whole.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        if (_uploadId is null)
        {
            await s3.PutAsync(location, _buffer.AsMemory(0, _filled), ct);
        }
        else
        {
            if (_filled > 0)
            {
                await SendPartAsync(ct);
            }

            await s3.CompleteUploadAsync(location, _uploadId, _etags, ct);
        }

        _uploadId = null;
    }

    /// <summary>Drops the parts uploaded so far (nothing was made visible).</summary>
    public async Task AbortAsync()
    {
        if (_uploadId is { } id)
        {
            _uploadId = null;
            await s3.AbortUploadAsync(location, id);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task SendPartAsync(CancellationToken ct)
    {
        _uploadId ??= await s3.StartUploadAsync(location, ct);
        _etags.Add(await s3.UploadPartAsync(location, _uploadId, _etags.Count + 1, _buffer.AsMemory(0, _filled), ct));
        _filled = 0;
    }
}
