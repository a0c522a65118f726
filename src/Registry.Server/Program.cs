using Registry.Server.Hosting;

WebApplication app;
try
{
    app = RegistryServer.Create(args);
}
catch (InvalidOperationException e)
{
    // A setting out of range or of the wrong form: its name and what it should be, without a stack trace.
    await Console.Error.WriteLineAsync($"The registry cannot start: {e.Message}").ConfigureAwait(false);
    return 2;
}

// Taken before the run: a start that fails disposes the services on its way out.
var started = app.Lifetime.ApplicationStarted;
try
{
    await app.RunAsync().ConfigureAwait(false);
}
catch (IOException e) when (!started.IsCancellationRequested)
{
    // A listener could not bind (the port is taken, or the address is not this machine's).
    await Console.Error.WriteLineAsync($"The registry cannot start: {e.Message}").ConfigureAwait(false);
    return 2;
}

return 0;
