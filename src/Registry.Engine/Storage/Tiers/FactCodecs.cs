using Registry.Engine.Model;

namespace Registry.Engine.Storage.Tiers;

/// <summary>How one kind of mutable fact is written to and read from the shared cache.</summary>
/// <typeparam name="T">The fact's type.</typeparam>
public abstract class FactCodec<T>
{
    /// <summary>The bytes of a fact.</summary>
    public abstract byte[] Encode(T value);

    /// <summary>The fact in <paramref name="bytes"/>; false when malformed.</summary>
    public abstract bool TryDecode(FactKey key, ReadOnlySpan<byte> bytes, out object? value);
}

/// <summary>The codecs of the three kinds of mutable facts.</summary>
public static class FactCodecs
{
    /// <summary>Subject snapshots (null: the subject has no row).</summary>
    public static FactCodec<SubjectSnapshot?> Subject { get; } = new SubjectCodec();

    /// <summary>Configurations of a scope.</summary>
    public static FactCodec<ConfigRecord> Config { get; } = new ConfigCodec();

    /// <summary>Versions that use a schema id.</summary>
    public static FactCodec<IReadOnlyList<VersionUsage>> Usage { get; } = new UsageCodec();

    private sealed class SubjectCodec : FactCodec<SubjectSnapshot?>
    {
        public override byte[] Encode(SubjectSnapshot? value) => TierCodec.EncodeSnapshot(value);

        public override bool TryDecode(FactKey key, ReadOnlySpan<byte> bytes, out object? value)
        {
            var ok = TierCodec.TryDecodeSnapshot(key.Name, bytes, out var snapshot);
            value = snapshot;
            return ok;
        }
    }

    private sealed class ConfigCodec : FactCodec<ConfigRecord>
    {
        public override byte[] Encode(ConfigRecord value) => TierCodec.EncodeConfig(value);

        public override bool TryDecode(FactKey key, ReadOnlySpan<byte> bytes, out object? value)
        {
            value = TierCodec.DecodeConfig(bytes);
            return value is not null;
        }
    }

    private sealed class UsageCodec : FactCodec<IReadOnlyList<VersionUsage>>
    {
        public override byte[] Encode(IReadOnlyList<VersionUsage> value) => TierCodec.EncodeUsages(value);

        public override bool TryDecode(FactKey key, ReadOnlySpan<byte> bytes, out object? value)
        {
            value = TierCodec.DecodeUsages(bytes);
            return value is not null;
        }
    }
}
