using System.Net;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Registry.Engine.Storage;
using Registry.Server.Hosting;
using Registry.Testing;

namespace Registry.Confluent.Tests;

/// <summary>
/// A registry server started in this process on free loopback ports, on a fresh SQLite file (the pattern of
/// Registry.Server.Tests' InProcessServer), optionally with a store whose faults a test switches on.
/// </summary>
public sealed class ConfluentServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TemporaryDirectory _folder;

    private ConfluentServer(WebApplication app, TemporaryDirectory folder, StoreFaults? faults)
    {
        _app = app;
        _folder = folder;
        Faults = faults;
        var endpoint = app.Services.GetRequiredService<BoundEndpoints>().Http!;
        Url = $"http://{endpoint}";
        Http = new HttpClient { BaseAddress = new Uri(Url) };
    }

    /// <summary>The base URL, e.g. <c>http://127.0.0.1:40123</c>: what a Confluent client is given.</summary>
    public string Url { get; }

    public HttpClient Http { get; }

    /// <summary>The fault switch of the store, when started with <c>faultyStore: true</c>.</summary>
    public StoreFaults? Faults { get; }

    public static async Task<ConfluentServer> StartAsync(IDictionary<string, string?>? settings = null, bool faultyStore = false)
    {
        var folder = new TemporaryDirectory("confluent");
        StoreFaults? faults = null;
        var app = RegistryServer.Create([], builder =>
        {
            var values = new Dictionary<string, string?>
            {
                ["Registry:Listen:Http"] = "127.0.0.1:0",
                ["Registry:Listen:Binary"] = "127.0.0.1:0",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
                ["Registry:Storage:Sqlite:Path"] = Path.Combine(folder.Path, "registry.db"),
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                values[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(values);
            if (faultyStore)
            {
                builder.Host.UseServiceProviderFactory(new StoreDecoratingFactory(store =>
                {
                    var proxy = StoreFaults.Wrap(store);
                    faults = (StoreFaults)(object)proxy;
                    return proxy;
                }));
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ConfluentServer(app, folder, faults);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>Builds the container with the registered store wrapped (the registration is made after tests can hook in).</summary>
    private sealed class StoreDecoratingFactory(Func<IRegistryStore, IRegistryStore> decorate) : IServiceProviderFactory<IServiceCollection>
    {
        public IServiceCollection CreateBuilder(IServiceCollection services) => services;

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder)
        {
            var original = containerBuilder.Last(d => d.ServiceType == typeof(IRegistryStore));
            containerBuilder.Add(ServiceDescriptor.Singleton(sp => decorate(original switch
            {
                { ImplementationInstance: IRegistryStore instance } => instance,
                { ImplementationFactory: { } factory } => (IRegistryStore)factory(sp),
                _ => (IRegistryStore)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!),
            })));
            return containerBuilder.BuildServiceProvider();
        }
    }
}

/// <summary>What the faulty store does instead of its job.</summary>
public enum StoreFault
{
    None,

    /// <summary>Every call fails the way an unexpected store failure does.</summary>
    Broken,

    /// <summary>Every call fails the way an unreachable or locked store does.</summary>
    Unreachable,

    /// <summary>Every version append loses the revision race (another writer always got there first).</summary>
    AlwaysConflicting,
}

/// <summary>A store that forwards to the real one until a fault is switched on.</summary>
public class StoreFaults : DispatchProxy
{
    private IRegistryStore _inner = null!;

    public StoreFault Fault { get; set; }

    internal static IRegistryStore Wrap(IRegistryStore inner)
    {
        var proxy = Create<IRegistryStore, StoreFaults>();
        ((StoreFaults)(object)proxy)._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var name = targetMethod.Name;
        if (name is not (nameof(IRegistryStore.InitializeAsync) or nameof(IRegistryStore.DisposeAsync)))
        {
            switch (Fault)
            {
                case StoreFault.Broken:
                    throw new Engine.RegistryException("The embedded store failed: disk image is malformed", new IOException("simulated"));
                case StoreFault.Unreachable:
                    throw new Engine.RegistryException(Engine.RegistryErrorCode.StoreUnavailable, "The database is locked by another writer; retry.");
                case StoreFault.AlwaysConflicting when name == nameof(IRegistryStore.AppendVersionAsync):
                    return Task.FromResult(new AppendResult(WriteOutcome.Conflict, 0, 0, false));
            }
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
