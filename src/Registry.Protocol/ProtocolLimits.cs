namespace Registry.Protocol;

/// <summary>
/// Limits of protocol version 1. The connection limits are defaults the server may be configured to change (it
/// announces its values in the HELLO response); the field limits are fixed by the protocol and enforced by the
/// readers before anything is allocated.
/// </summary>
public static class ProtocolLimits
{
    /// <summary>Default largest frame payload, in bytes (16 MiB).</summary>
    public const int DefaultMaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>Smallest frame limit a server may be configured with; every fixed-size message fits well within it.</summary>
    public const int MinMaxFrameBytes = 4096;

    /// <summary>Default number of requests a connection may have in flight; the server stops reading beyond it.</summary>
    public const int DefaultMaxInFlight = 256;

    /// <summary>Default idle time-out: a connection with nothing in flight and no frame received for this long is closed.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(120);

    /// <summary>A connection must complete HELLO within this time or is closed.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Default number of binary connections the server accepts at once.</summary>
    public const int DefaultMaxConnections = 10_000;

    /// <summary>Longest subject name, in UTF-16 code units (as .NET's <see cref="string.Length"/> counts).</summary>
    public const int MaxSubjectLength = 255;

    /// <summary>Longest subject name in UTF-8 bytes (255 code units of at most 3 bytes each).</summary>
    public const int MaxSubjectBytes = MaxSubjectLength * 3;

    /// <summary>Longest short string (names, tags, property keys and values, owner, semantic-version label), in UTF-8 bytes; JSON pointers in error locations are text (<see cref="MaxTextBytes"/>).</summary>
    public const int MaxShortStringBytes = 1024;

    /// <summary>Longest free text (description, deprecation reason, messages), in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 64 * 1024;

    /// <summary>Most references a schema may carry.</summary>
    public const int MaxReferences = 1024;

    /// <summary>Most tags on a version.</summary>
    public const int MaxTags = 256;

    /// <summary>Most key-value properties on a version.</summary>
    public const int MaxProperties = 256;

    /// <summary>Most documents in one VALIDATE_BATCH.</summary>
    public const int MaxBatchDocuments = 10_000;

    /// <summary>Most errors reported for one document (a request asking for more gets this many).</summary>
    public const int MaxErrorsPerDocument = 1000;

    /// <summary>Most warnings on one validation response.</summary>
    public const int MaxWarnings = 64;

    /// <summary>Most differences in one compatibility verdict.</summary>
    public const int MaxDifferences = 10_000;

    /// <summary>Largest page of LIST_SUBJECTS.</summary>
    public const int MaxPageSize = 10_000;

    /// <summary>Longest list in any other response (versions, usages).</summary>
    public const int MaxListItems = 100_000;

    /// <summary>Most elements in a body array (known fields plus fields added by later versions).</summary>
    public const int MaxBodyFields = 64;

    /// <summary>Deepest nesting inside a value that a reader skips (an unknown trailing field).</summary>
    public const int MaxSkipDepth = 32;
}

/// <summary>Protocol versions this library speaks.</summary>
public static class ProtocolVersions
{
    /// <summary>The oldest version this library speaks.</summary>
    public const int Min = 1;

    /// <summary>
    /// The newest version this library speaks (2: the request envelope may carry a <c>traceparent</c>; 3: a schema type
    /// may be <c>TOOL</c>, <c>AGENT_CARD</c> or <c>PROMPT</c>).
    /// </summary>
    public const int Max = 3;

    /// <summary>The first version whose responses may carry the artifact schema types (older clients cannot read them).</summary>
    public const int ArtifactTypes = 3;

    /// <summary>
    /// The version both sides speak: the highest in both [<paramref name="clientMin"/>, <paramref name="clientMax"/>]
    /// and [<see cref="Min"/>, <see cref="Max"/>], or null when the ranges do not meet.
    /// </summary>
    public static int? Negotiate(int clientMin, int clientMax)
    {
        var high = Math.Min(clientMax, Max);
        return high >= Math.Max(clientMin, Min) ? high : null;
    }
}
