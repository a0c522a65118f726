using System.Text;
using Registry.Engine.Model;
using Registry.Engine.Services;
using Registry.Engine.Storage;
using Registry.Schemas.Compatibility;

namespace Registry.Engine.Tests.Registry;

/// <summary>
/// A registry with a bit of everything a backup must carry (references, every lifecycle state, deprecation, metadata,
/// semantic versions, soft- and hard-deleted versions, a hard-deleted subject whose schema id lives on, settings of
/// every kind), and a description of everything the engine answers about it, to compare before and after a restore.
/// </summary>
internal static class BackupScenario
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task PopulateAsync(SchemaRegistry registry)
    {
        // Evolution is not the point here: anything goes until the settings are made at the end.
        await registry.SetCompatibilityAsync(null, CompatibilityLevel.None, null, Ct);
        await RegisterAsync(registry, "common.address", """{"type":"object","properties":{"city":{"type":"string"}}}""", semver: "1.0.0",
            metadata: new VersionMetadata { Description = "Where", Owner = "geo", Tags = ["shared", "pii"], Properties = new Dictionary<string, string> { ["tier"] = "1" } });
        await RegisterAsync(registry, "orders.created", """{"type":"object","properties":{"ship_to":{"$ref":"address.json"}}}""",
            references: [new SchemaReference("address.json", "common.address", 1)]);
        await RegisterAsync(registry, "orders.created", """{"type":"object","properties":{"ship_to":{"$ref":"address.json"},"note":{"type":"string"}}}""",
            references: [new SchemaReference("address.json", "common.address", 1)]);
        await RegisterAsync(registry, "orders.created", """{"type":"object","title":"draft"}""", state: LifecycleState.Draft);
        await registry.ChangeStateAsync("orders.created", VersionSelector.Of(1), LifecycleState.Deprecated,
            new Deprecation { Reason = "use v2", Sunset = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), Replacement = "orders.created:2" }, Ct);

        await RegisterAsync(registry, "tools.search", """{"type":"object","title":"v1"}""", createdBy: "alice");
        await RegisterAsync(registry, "tools.search", """{"type":"object","title":"v2"}""");
        await RegisterAsync(registry, "tools.search", """{"type":"object","title":"v3"}""");
        await registry.ChangeStateAsync("tools.search", VersionSelector.Of(1), LifecycleState.Deprecated, null, Ct);
        await registry.ChangeStateAsync("tools.search", VersionSelector.Of(1), LifecycleState.Archived, null, Ct);
        await registry.DeleteVersionAsync("tools.search", VersionSelector.Of(3), permanent: false, Ct);
        await registry.DeleteVersionAsync("tools.search", VersionSelector.Of(3), permanent: true, Ct);
        await RegisterAsync(registry, "tools.search", """{"type":"object","title":"v4"}""");
        await registry.DeleteVersionAsync("tools.search", VersionSelector.Of(2), permanent: false, Ct);

        // Aliases: one moved and protected, one deleted (its history stays), one plain.
        await registry.SetAliasAsync("orders.created", "production", VersionSelector.Of(1), new AliasChange { By = "alice" }, Ct);
        await registry.SetAliasAsync("orders.created", "production", VersionSelector.Of(2), new AliasChange { Protected = true, By = "bob" }, Ct);
        await registry.SetAliasAsync("orders.created", "staging", VersionSelector.Of(2), null, Ct);
        await registry.DeleteAliasAsync("orders.created", "staging", null, Ct);
        await registry.SetAliasAsync("tools.search", "stable", VersionSelector.Of(4), null, Ct);

        await RegisterAsync(registry, "scratch", """{"type":"string","title":"gone"}""");
        await registry.DeleteSubjectAsync("scratch", permanent: false, Ct);
        await registry.DeleteSubjectAsync("scratch", permanent: true, Ct);
        await RegisterAsync(registry, "retired", """{"type":"integer"}""");
        await registry.DeleteSubjectAsync("retired", permanent: false, Ct);
        await RegisterAsync(registry, "same.content", """{"type":"object","title":"v2"}""");

        await registry.SetCompatibilityAsync(null, CompatibilityLevel.Full, CompatibilityPolicy.Lenient, Ct);
        await registry.SetCompatibilityAsync("orders.created", CompatibilityLevel.None, null, Ct);
        await registry.SetCompatibilityAsync("orders.created", null, null, formatAssertion: true, Ct);
        await registry.SetModeAsync("common.address", RegistryMode.ReadOnly, cancellationToken: Ct);
        await registry.SetCompatibilityAsync("not.yet.registered", CompatibilityLevel.BackwardTransitive, null, Ct);
        await registry.SetRequiredProfilesAsync("not.yet.registered", ["openai-strict", "anthropic-strict"], Ct);
        await registry.SetRequiredProfilesAsync("same.content", [], Ct);
    }

    /// <summary>Every answer the engine gives about the registry, in one text (errors as their codes).</summary>
    public static async Task<string> DescribeAsync(SchemaRegistry registry)
    {
        var text = new StringBuilder();
        foreach (var filter in new[] { DeletedFilter.Exclude, DeletedFilter.Include, DeletedFilter.Only })
        {
            text.AppendLine($"subjects {filter}: {string.Join(", ", await registry.ListSubjectsAsync(deleted: filter, cancellationToken: Ct))}");
        }

        text.AppendLine($"config: {await registry.GetConfigAsync(null, Ct)} {await registry.GetEffectiveConfigAsync(null, Ct)}");
        foreach (var subject in (await registry.ListSubjectsAsync(deleted: DeletedFilter.Include, cancellationToken: Ct)).Append("not.yet.registered").Append("scratch"))
        {
            text.AppendLine($"[{subject}] {await Try(() => registry.GetConfigAsync(subject, Ct))} {await Try(() => registry.GetEffectiveConfigAsync(subject, Ct))}");
            var stored = (await registry.GetConfigAsync(subject, Ct)).Profiles;
            var inForce = (await registry.GetEffectiveConfigAsync(subject, Ct)).Profiles;
            text.AppendLine($"  profiles: {(stored is null ? "null" : "[" + string.Join(",", stored) + "]")} in force [{string.Join(",", inForce)}]");
            text.AppendLine($"  live: {await Try(async () => string.Join(",", (await registry.ListVersionsAsync(subject, DeletedFilter.Exclude, Ct)).Select(v => v.Version)))}");
            text.AppendLine($"  latest: {await Try(async () => (await registry.GetVersionAsync(subject, VersionSelector.Latest, false, Ct)).Version)}");
            foreach (var alias in await Try(() => registry.ListAliasesAsync(subject, Ct)) as IReadOnlyList<AliasRecord> ?? [])
            {
                text.AppendLine($"  alias {alias} reads v{(await registry.GetVersionAsync(subject, VersionSelector.Alias(alias.Name), false, Ct)).Version}");
            }

            foreach (var name in new[] { "production", "staging", "stable" })
            {
                text.AppendLine($"  history {name}: {await Try(async () => string.Join(" ", await registry.GetAliasHistoryAsync(subject, name, cancellationToken: Ct)))}");
            }
            var all = await Try(() => registry.ListVersionsAsync(subject, DeletedFilter.Include, Ct));
            foreach (var version in all as IReadOnlyList<VersionRecord> ?? [])
            {
                var read = await registry.GetVersionAsync(subject, VersionSelector.Of(version.Version), includeDeleted: true, Ct);
                text.AppendLine($"  {Version(read.Info)}");
                text.AppendLine($"    schema {read.SchemaId} {Encoding.UTF8.GetString(read.Schema.Content.Span)} {string.Join(";", read.Schema.References)} {read.Schema.ContentHashHex}");
                var referrers = await registry.GetReferencedByAsync(subject, VersionSelector.Of(version.Version), includeDeleted: true, Ct);
                text.AppendLine($"    referenced by {string.Join(",", referrers)}");
                text.AppendLine($"    lookup {await Try(async () => (await registry.LookupAsync(subject, new SchemaInput(read.Schema.Content, "JSON", read.Schema.References), true, Ct)).Version)}");
            }
        }

        for (long id = 0; id <= 12; id++)
        {
            var schema = await Try(async () => Encoding.UTF8.GetString((await registry.GetSchemaAsync(id, Ct)).Content.Span));
            var usage = await Try(async () => string.Join(",", await registry.GetSchemaUsageAsync(id, includeDeleted: true, Ct)));
            text.AppendLine($"id {id}: {schema} used by {usage}");
        }

        return text.ToString();
    }

    /// <summary>What the registry does next, which depends on what a backup must carry beyond the visible rows.</summary>
    public static async Task<string> ContinueAsync(SchemaRegistry registry)
    {
        var text = new StringBuilder();

        // The hard-deleted subject's content gets its old id back; new content gets the next id; a subject whose
        // highest version was hard-deleted does not give that number again.
        text.AppendLine($"gone again: {(await RegisterAsync(registry, "scratch", """{"type":"string","title":"gone"}""")).SchemaId}");
        var fresh = await RegisterAsync(registry, "brand.new", """{"type":"boolean"}""");
        text.AppendLine($"new: id {fresh.SchemaId} v{fresh.Version}");
        await registry.SetModeAsync("tools.search", RegistryMode.ReadWrite, cancellationToken: Ct);
        var next = await RegisterAsync(registry, "tools.search", """{"type":"object","title":"v5"}""");
        text.AppendLine($"tools.search next: v{next.Version}");
        text.AppendLine($"read-only: {await Try(() => RegisterAsync(registry, "common.address", """{"type":"object","title":"x"}"""))}");

        // A protected alias is still protected: it moves only when forced.
        text.AppendLine($"unforced move: {await Try(() => registry.SetAliasAsync("orders.created", "production", VersionSelector.Of(1), null, Ct))}");
        text.AppendLine($"forced move: {(await registry.SetAliasAsync("orders.created", "production", VersionSelector.Of(1), new AliasChange { Force = true }, Ct)).Version}");
        return text.ToString();
    }

    public static Task<RegistrationResult> RegisterAsync(
        SchemaRegistry registry, string subject, string schema, IReadOnlyList<SchemaReference>? references = null, LifecycleState state = LifecycleState.Active,
        string? semver = null, VersionMetadata? metadata = null, string? createdBy = null) =>
        registry.RegisterAsync(new SchemaRegistration
        {
            Subject = subject,
            Schema = Encoding.UTF8.GetBytes(schema),
            References = references ?? [],
            InitialState = state,
            Semver = semver,
            Metadata = metadata ?? VersionMetadata.Empty,
            CreatedBy = createdBy,
        }, Ct);

    private static string Version(VersionRecord v) =>
        $"v{v.Version} id {v.SchemaId} {v.State} deleted={v.IsDeleted} semver={v.Semver} created={v.CreatedAt:O} by={v.CreatedBy} updated={v.UpdatedAt:O} "
        + $"deprecation={v.Deprecation} metadata={RecordJson.WriteMetadata(v.Metadata)}";

    private static async Task<object?> Try<T>(Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (RegistryException e)
        {
            return e.Code;
        }
    }
}
