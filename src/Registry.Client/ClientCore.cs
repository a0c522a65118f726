using System.Collections.Concurrent;
using BitFaster.Caching.Lru;
using Registry.Client.Connections;
using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Schemas;
using Registry.Schemas.Validation;

namespace Registry.Client;

/// <summary>
/// What a client and its time-out views share: the connections, the schema cache and the compiled validators.
/// Concurrent misses for one id share one fetch (or one compilation).
/// </summary>
internal sealed class ClientCore
{
    // Transitive references followed when compiling locally, as the server does.
    private const int MaxReferences = 256;

    private readonly ConcurrentDictionary<int, Task<RegistrySchema>> _fetching = new();
    private readonly ConcurrentDictionary<int, Task<CompiledSchema>> _compiling = new();

    public ClientCore(RegistryClientOptions options)
    {
        Options = options;
        Pool = new ConnectionPool(options);
        Schemas = new ConcurrentLru<int, RegistrySchema>(Math.Max(3, options.SchemaCacheCapacity));
        Validators = new ConcurrentLru<int, CompiledSchema>(Math.Max(3, options.SchemaCacheCapacity));
    }

    // Counters of hedged reads (RegistryClient.HedgedReads, HedgesWon); fields so that they can be incremented in place.
    public long HedgedReads;
    public long HedgesWon;

    public RegistryClientOptions Options { get; }

    public ConnectionPool Pool { get; }

    public ConcurrentLru<int, RegistrySchema> Schemas { get; }

    public ConcurrentLru<int, CompiledSchema> Validators { get; }

    public Task<RegistrySchema> FetchSchemaAsync(RegistryClient client, int schemaId, CancellationToken cancellationToken)
    {
        var fetch = _fetching.GetOrAdd(schemaId, static (id, state) => state.Core.FetchOnceAsync(state.Client, id), (Core: this, Client: client));

        // One caller's cancellation must not cancel the shared fetch, only its own wait.
        return cancellationToken.CanBeCanceled ? fetch.WaitAsync(cancellationToken) : fetch;
    }

    public Task<CompiledSchema> CompileAsync(RegistryClient client, int schemaId, CancellationToken cancellationToken)
    {
        var compile = _compiling.GetOrAdd(schemaId, static (id, state) => state.Core.CompileOnceAsync(state.Client, id), (Core: this, Client: client));
        return cancellationToken.CanBeCanceled ? compile.WaitAsync(cancellationToken) : compile;
    }

    private async Task<RegistrySchema> FetchOnceAsync(RegistryClient client, int schemaId)
    {
        try
        {
            await Task.Yield();
            var schema = await client.FetchSchemaAsync(schemaId, CancellationToken.None).ConfigureAwait(false);
            Schemas.AddOrUpdate(schemaId, schema);
            return schema;
        }
        finally
        {
            _fetching.TryRemove(schemaId, out _);
        }
    }

    private async Task<CompiledSchema> CompileOnceAsync(RegistryClient client, int schemaId)
    {
        try
        {
            await Task.Yield();
            var schema = await client.GetSchemaAsync(schemaId, CancellationToken.None).ConfigureAwait(false);
            var resolver = await LoadReferencesAsync(client, schema.References).ConfigureAwait(false);
            var compilation = SchemaCompiler.Compile(schema.Content.Span, new SchemaCompilerOptions
            {
                Resolver = resolver,
                BaseUri = ReferenceResolver.BaseUri,
                FormatAssertion = Options.FormatAssertion,
            });
            if (!compilation.Succeeded)
            {
                var first = compilation.Errors.Count > 0 ? compilation.Errors[0].Message : "unknown reason";
                throw new RegistryRequestException(StatusCode.InvalidSchema, $"Schema {schemaId} does not compile in this process: {first}");
            }

            Validators.AddOrUpdate(schemaId, compilation.Schema!);
            return compilation.Schema!;
        }
        finally
        {
            _compiling.TryRemove(schemaId, out _);
        }
    }

    /// <summary>The documents behind a schema's references, transitively, fetched as the server resolves them.</summary>
    private static async Task<ReferenceResolver> LoadReferencesAsync(RegistryClient client, IReadOnlyList<SchemaReference> references)
    {
        if (references.Count == 0)
        {
            return ReferenceResolver.Empty;
        }

        var documents = new List<KeyValuePair<string, ReadOnlyMemory<byte>>>();
        var visited = new HashSet<(string, int)>();
        var pending = new Queue<SchemaReference>(references);
        while (pending.TryDequeue(out var reference))
        {
            if (!visited.Add((reference.Subject, reference.Version)))
            {
                continue;
            }

            if (visited.Count > MaxReferences)
            {
                throw new RegistryRequestException(StatusCode.TooLarge, $"The schema references more than {MaxReferences} schemas, transitively.");
            }

            var version = await client.GetVersionAsync(reference.Subject, reference.Version, includeDeleted: true, CancellationToken.None)
                .ConfigureAwait(false);
            documents.Add(new KeyValuePair<string, ReadOnlyMemory<byte>>(reference.Name, version.Schema));
            foreach (var nested in version.References)
            {
                pending.Enqueue(nested);
            }
        }

        return new ReferenceResolver(documents);
    }
}
