using Registry.Engine.Model;
using Registry.Engine.Storage;
using Registry.Engine.Storage.Tiers;
using Registry.Schemas.Compatibility;
using Registry.Schemas.Validation;

namespace Registry.Engine.Tests.Storage.Tiers;

public sealed class TierCodecTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    private static SubjectSnapshot Snapshot() => new("orders", 7,
    [
        new VersionRecord { Subject = "orders", Version = 1, SchemaId = 3, State = LifecycleState.Deprecated, IsDeleted = true, Semver = "1.0.0",
            Metadata = new VersionMetadata { Description = "Ordré ✓", Owner = "team", Tags = ["pii"], Properties = new Dictionary<string, string> { ["k"] = "v" } },
            Deprecation = new Deprecation { Reason = "old", Sunset = T0, Replacement = "orders:2" }, CreatedAt = T0, CreatedBy = "ci", UpdatedAt = T0.AddDays(1) },
        new VersionRecord { Subject = "orders", Version = 4, SchemaId = 9, State = LifecycleState.Active, CreatedAt = T0, UpdatedAt = T0 },
    ])
    {
        Aliases = [new AliasRecord("production", 4, true, T0, "ana"), new AliasRecord("staging", 4, false, T0.AddDays(2), null)],
    };

    [Fact]
    public void A_snapshot_round_trips_with_every_field()
    {
        var snapshot = Snapshot();

        Assert.True(TierCodec.TryDecodeSnapshot("orders", TierCodec.EncodeSnapshot(snapshot), out var decoded));

        Assert.NotNull(decoded);
        Assert.Equal(7, decoded.Revision);
        Assert.Equal(2, decoded.Versions.Count);
        var (a, b) = (snapshot.Versions[0], decoded.Versions[0]);
        Assert.Equal((a.Version, a.SchemaId, a.State, a.IsDeleted, a.Semver, a.CreatedAt, a.CreatedBy, a.UpdatedAt, a.Deprecation),
            (b.Version, b.SchemaId, b.State, b.IsDeleted, b.Semver, b.CreatedAt, b.CreatedBy, b.UpdatedAt, b.Deprecation));
        Assert.Equal(RecordJson.WriteMetadata(a.Metadata), RecordJson.WriteMetadata(b.Metadata));
        Assert.Equal(snapshot.Versions[1], decoded.Versions[1]);
        Assert.Equal(snapshot.Aliases, decoded.Aliases);
    }

    [Fact]
    public void An_absent_subject_round_trips_as_null()
    {
        Assert.True(TierCodec.TryDecodeSnapshot("x", TierCodec.EncodeSnapshot(null), out var decoded));
        Assert.Null(decoded);
    }

    [Fact]
    public void Every_truncation_of_an_encoded_fact_decodes_as_malformed()
    {
        var snapshot = TierCodec.EncodeSnapshot(Snapshot());
        var usages = TierCodec.EncodeUsages([new VersionUsage("orders", 1, 3, LifecycleState.Active, false)]);
        var entry = TierCodec.EncodeSchemaEntry(new SchemaEntry(3, "JSON", new byte[32], new byte[32], [new SchemaReference("a", "b", 1)]));
        var invalidation = TierCodec.EncodeInvalidation(new Invalidation(Guid.NewGuid(), 5, InvalidationKind.Subject, "orders", [1, 2]));

        for (var length = 0; length < snapshot.Length; length++)
        {
            Assert.False(TierCodec.TryDecodeSnapshot("orders", snapshot.AsSpan(0, length), out _), $"snapshot prefix {length}");
        }

        for (var length = 0; length < usages.Length; length++)
        {
            Assert.Null(TierCodec.DecodeUsages(usages.AsSpan(0, length)));
        }

        for (var length = 0; length < entry.Length; length++)
        {
            Assert.Null(TierCodec.DecodeSchemaEntry(3, entry.AsSpan(0, length)));
        }

        for (var length = 0; length < invalidation.Length; length++)
        {
            Assert.Null(TierCodec.DecodeInvalidation(invalidation.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Random_bytes_never_throw_and_a_huge_declared_count_allocates_nothing()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            if (bytes.Length > 0)
            {
                bytes[0] = 1;
            }

            TierCodec.TryDecodeSnapshot("s", bytes, out _);
            TierCodec.DecodeUsages(bytes);
            TierCodec.DecodeConfig(bytes);
            TierCodec.DecodeSchemaEntry(1, bytes);
            TierCodec.DecodeInvalidation(bytes);
        }

        byte[] huge = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F];
        Assert.False(TierCodec.TryDecodeSnapshot("s", huge, out _));
        Assert.Null(TierCodec.DecodeUsages([1, 0xFF, 0xFF, 0xFF, 0x7F]));
    }

    [Fact]
    public void Config_profiles_round_trip_and_an_empty_list_stays_distinct_from_none()
    {
        var some = TierCodec.DecodeConfig(TierCodec.EncodeConfig(new ConfigRecord { Mode = RegistryMode.ReadOnly, Profiles = ["openai-strict", "mcp-tool"] }))!;
        var none = TierCodec.DecodeConfig(TierCodec.EncodeConfig(new ConfigRecord { Profiles = [] }))!;

        Assert.Equal(RegistryMode.ReadOnly, some.Mode);
        Assert.Equal(["openai-strict", "mcp-tool"], some.Profiles!);
        Assert.NotNull(none.Profiles);
        Assert.Empty(none.Profiles);
        Assert.Null(TierCodec.DecodeConfig(TierCodec.EncodeConfig(new ConfigRecord { Mode = RegistryMode.ReadOnly }))!.Profiles);
    }

    [Fact]
    public void Config_default_draft_round_trips_and_a_format_1_config_still_reads()
    {
        var config = new ConfigRecord { FormatAssertion = true, DefaultDraft = JsonSchemaDraft.Draft7 };
        var withProfiles = TierCodec.DecodeConfig(TierCodec.EncodeConfig(config with { Profiles = ["openai-strict"] }))!;
        byte[] formatOne = [1, 2, 0, 0, 2, .. "openai-strict;"u8];

        Assert.Equal(config, TierCodec.DecodeConfig(TierCodec.EncodeConfig(config)));
        Assert.Equal((JsonSchemaDraft?)JsonSchemaDraft.Draft7, withProfiles.DefaultDraft);
        Assert.Equal(["openai-strict"], withProfiles.Profiles!);
        Assert.Equal(JsonSchemaDraft.Draft4, TierCodec.DecodeConfig(TierCodec.EncodeConfig(new ConfigRecord { DefaultDraft = JsonSchemaDraft.Draft4 }))!.DefaultDraft);
        var old = TierCodec.DecodeConfig(formatOne)!;
        Assert.Equal(["openai-strict"], old.Profiles!);
        Assert.True(old.FormatAssertion);
        Assert.Null(old.DefaultDraft);
        Assert.Null(TierCodec.DecodeConfig([2, 0, 0, 0, 0, 9]));
        Assert.Equal(2, TierCodec.EncodeConfig(config)[0]);
    }

    [Fact]
    public void Config_with_contract_settings_and_a_version_with_a_contract_round_trip()
    {
        var contract = RegistryStoreContract.SampleContract();
        var config = new ConfigRecord
        {
            Compatibility = CompatibilityLevel.Full,
            Profiles = ["openai-strict"],
            DefaultDraft = JsonSchemaDraft.Draft7,
            Contract = new ContractConfig { Normalize = true, CompatibilityGroup = "major", OverrideRuleSet = contract.RuleSet },
        };

        var decoded = TierCodec.DecodeConfig(TierCodec.EncodeConfig(config))!;
        Assert.Equal(3, TierCodec.EncodeConfig(config)[0]);
        Assert.Equal((CompatibilityLevel.Full, "openai-strict"), (decoded.Compatibility!.Value, Assert.Single(decoded.Profiles!)));
        Assert.Equal((JsonSchemaDraft?)JsonSchemaDraft.Draft7, decoded.DefaultDraft);
        Assert.Null(TierCodec.DecodeConfig(TierCodec.EncodeConfig(config with { DefaultDraft = null }))!.DefaultDraft);
        Assert.Equal(ContractJson.ToJson(config.Contract), ContractJson.ToJson(decoded.Contract!));
        var cut = TierCodec.EncodeConfig(config);
        Assert.Null(TierCodec.DecodeConfig(cut.AsSpan(0, cut.Length - 3)));

        var snapshot = Snapshot() with { Versions = [Snapshot().Versions[1] with { Metadata = new VersionMetadata { Contract = contract } }] };
        Assert.True(TierCodec.TryDecodeSnapshot("orders", TierCodec.EncodeSnapshot(snapshot), out var back));
        Assert.Equal(ContractJson.ToJson(contract), ContractJson.ToJson(back!.Versions[0].Metadata.Contract!));
    }

    [Fact]
    public void Config_usage_entry_and_invalidation_round_trip()
    {
        var config = new ConfigRecord { Compatibility = CompatibilityLevel.FullTransitive, Mode = RegistryMode.Import };
        var usage = new VersionUsage("orders", 2, 9, LifecycleState.Archived, true);
        var entry = new SchemaEntry(9, "JSON", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), Enumerable.Range(100, 32).Select(i => (byte)i).ToArray(),
            [new SchemaReference("addr.json", "address", 3)]);
        var message = new Invalidation(Guid.NewGuid(), 77, InvalidationKind.SubjectHardDeleted, "orders", [9, 10]);

        Assert.Equal(config, TierCodec.DecodeConfig(TierCodec.EncodeConfig(config)));
        Assert.Equal(ConfigRecord.Empty, TierCodec.DecodeConfig(TierCodec.EncodeConfig(ConfigRecord.Empty)));
        Assert.Equal([usage], TierCodec.DecodeUsages(TierCodec.EncodeUsages([usage])));
        var decodedEntry = TierCodec.DecodeSchemaEntry(9, TierCodec.EncodeSchemaEntry(entry))!;
        Assert.Equal(entry.ContentHash.ToArray(), decodedEntry.ContentHash.ToArray());
        Assert.Equal(entry.ContentSha256.ToArray(), decodedEntry.ContentSha256.ToArray());
        Assert.Equal(entry.References, decodedEntry.References);
        var decoded = TierCodec.DecodeInvalidation(TierCodec.EncodeInvalidation(message))!;
        Assert.Equal((message.Origin, message.Sequence, message.Kind, message.Subject), (decoded.Origin, decoded.Sequence, decoded.Kind, decoded.Subject));
        Assert.Equal(message.SchemaIds, decoded.SchemaIds);
        Assert.True(TierCodec.TryDecodeAcknowledgement(TierCodec.EncodeAcknowledgement(77), out var sequence));
        Assert.Equal(77, sequence);
    }
}
