using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Registry.Cli.Terminal;

/// <summary>
/// The streams a command reads and writes, and how to draw on them: tables (Spectre.Console) on standard output,
/// progress bars on standard error only when it is a terminal, JSON for scripts. Tests pass string writers.
/// </summary>
internal sealed class CliConsole
{
    private static readonly JsonSerializerOptions JsonOptions = new(Remote.CliJsonContext.Default.Options)
    {
        // Output for people and scripts, not for HTML: keep ', é and < as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Remote.CliJsonContext Json = new(JsonOptions);

    public CliConsole(TextReader input, TextWriter output, TextWriter error, bool outputIsTerminal = false, bool errorIsTerminal = false,
        Func<string, string?>? environment = null)
    {
        In = input;
        Out = output;
        Error = error;
        OutputIsTerminal = outputIsTerminal;
        ErrorIsTerminal = errorIsTerminal;
        Environment = environment ?? System.Environment.GetEnvironmentVariable;
    }

    public TextReader In { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool OutputIsTerminal { get; }

    public bool ErrorIsTerminal { get; }

    /// <summary>Reads an environment variable (tests substitute their own).</summary>
    public Func<string, string?> Environment { get; }

    public static CliConsole FromProcess() => new(
        Console.In,
        Console.Out,
        Console.Error,
        !Console.IsOutputRedirected,
        !Console.IsErrorRedirected);

    /// <summary>Writes <paramref name="value"/> as indented JSON with the HTTP API's snake_case names.</summary>
    public async Task WriteJsonAsync<T>(T value, Func<Remote.CliJsonContext, JsonTypeInfo<T>> type)
    {
        await Out.WriteLineAsync(JsonSerializer.Serialize(value, type(Json)));
    }

    /// <summary>Writes a table: boxed on a terminal, plain aligned columns when piped (easy for grep and awk).</summary>
    public void WriteTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var table = new Table { Border = OutputIsTerminal ? TableBorder.Rounded : TableBorder.Simple };
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header)) { NoWrap = true });
        }

        foreach (var row in rows)
        {
            var cells = new IRenderable[row.Count];
            for (var i = 0; i < row.Count; i++)
            {
                // Text, not markup: a subject name like "[red]" must print as it is.
                cells[i] = new Text(row[i] ?? "");
            }

            table.AddRow(cells);
        }

        Render(table);
    }

    /// <summary>Writes a two-column table of names and values (one record).</summary>
    public void WriteFields(IEnumerable<(string Name, string? Value)> fields)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn { NoWrap = true, Padding = new Padding(0, 0, 2, 0) });
        grid.AddColumn();
        foreach (var (name, value) in fields)
        {
            if (value is not null)
            {
                grid.AddRow(new Text(name), new Text(value));
            }
        }

        Render(grid);
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar on standard error when it is a terminal (and nothing otherwise:
    /// output that goes to a file or a pipe stays clean).
    /// </summary>
    public async Task<T> WithProgressAsync<T>(string description, Func<IProgress<(int Done, int Total)>?, Task<T>> work)
    {
        if (!ErrorIsTerminal)
        {
            return await work(null);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                var progress = new Progress<(int Done, int Total)>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                });
                var result = await work(progress);
                task.Value = task.MaxValue;
                return result;
            });
    }

    private void Render(IRenderable renderable)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = OutputIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = OutputIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        // Piped output is not wrapped: a long subject name stays on one line.
        if (!OutputIsTerminal)
        {
            console.Profile.Width = 4096;
        }

        console.Write(renderable);
    }
}
