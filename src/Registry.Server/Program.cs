using Registry.Server.Hosting;

var app = RegistryServer.Create(args);
await app.RunAsync().ConfigureAwait(false);
