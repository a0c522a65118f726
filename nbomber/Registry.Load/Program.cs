namespace Registry.Load;

/// <summary>Entry point: parses the options, runs the scenario, prints the report.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(LoadOptions.Usage);
            return 0;
        }

        switch (args)
        {
            case ["chaos", .. var rest]:
                return await ChaosRun.RunAsync(rest);
            case ["suite", .. var suiteArgs]:
                return await Suite.RunAsync(suiteArgs);
            case ["raw", .. var rawArgs]:
                return await RawRun.RunAsync(rawArgs);
            case ["forward", .. var pairs]:
                return await Forwarder.RunAsync(pairs);
        }

        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(LoadOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        await using var run = await LoadRun.PrepareAsync(options, cancel.Token);
        if (!options.Tsv)
        {
            Console.WriteLine(run.Describe());
        }

        if (options.Warmup > TimeSpan.Zero)
        {
            await run.RunAsync(options.Warmup, cancel.Token);
        }

        var result = await run.RunAsync(options.Duration, cancel.Token);
        Console.WriteLine(options.Tsv ? result.ToTsv(options) : result.ToReport(options));
        return result.Completed > 0 ? 0 : 1;
    }
}
