using System.Text;
using Registry.Client;

namespace Registry.Server.Tests.CrossApi;

/// <summary>
/// The same scenarios through the native HTTP API, the Confluent HTTP API and the binary protocol, each from an empty
/// registry: every step must end with the same outcome on all three (in each API's own words) and report the same
/// ids, versions and verdicts. One scenario definition (<see cref="Scenarios"/>), three drivers. The Confluent API has
/// no lifecycle or validation endpoints; those steps go to the engine for it, and the rest of the scenario still runs
/// through its endpoints.
/// </summary>
public sealed class CrossApiAgreementTests
{
    public const string Native = "native";
    public const string Confluent = "confluent";
    public const string Binary = "binary";

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var scenario in Scenarios.All)
        {
            foreach (var api in new[] { Native, Confluent, Binary })
            {
                cases.Add(scenario.Name, api);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_step_of_a_scenario_ends_the_same_way_on_every_api(string scenario, string api)
    {
        var definition = Scenarios.All.Single(s => s.Name == scenario);
        await using var server = await InProcessServer.StartAsync(definition.Settings?.ToDictionary());
        await using var driver = Open(api, server);
        var steps = definition.Steps;

        var expected = new StringBuilder();
        var actual = new StringBuilder();
        foreach (var step in steps)
        {
            var answer = await step.Act(driver);
            var speaker = answer.Via is null ? driver : driver.Fallback!;
            expected.AppendLine(Line(step, speaker, step.Expected.Outcome, step.Expected, step.Expected));
            actual.AppendLine(Line(step, speaker, answer.Code, step.Expected, new Expect(step.Expected.Outcome, answer.SchemaId, answer.Version, answer.Valid, answer.Warned)));
        }

        Assert.Equal(expected.ToString(), actual.ToString());
    }

    private static ApiDriver Open(string api, InProcessServer server) => api switch
    {
        Native => new NativeHttpDriver(server.Http),
        Confluent => new ConfluentHttpDriver(server.Http, new EngineDriver(server)),
        Binary => new BinaryDriver(new RegistryClient(new RegistryClientOptions { Endpoints = [server.BinaryEndpoint.ToString()], ClientName = "cross-api" })),
        _ => throw new ArgumentOutOfRangeException(nameof(api)),
    };

    private static string Line(Step step, ApiDriver speaker, Outcome outcome, Expect asked, Expect facts) =>
        Line(step, speaker, speaker.CodeFor(outcome), asked, facts);

    /// <summary>A step as one line: who answered, its outcome code and only the facts the scenario asks about.</summary>
    private static string Line(Step step, ApiDriver speaker, string code, Expect asked, Expect facts)
    {
        var line = new StringBuilder($"{step.Description} ({speaker.Name}): {code}");
        if (asked.SchemaId is not null)
        {
            line.Append($" id {facts.SchemaId}");
        }

        if (asked.Version is not null)
        {
            line.Append($" version {facts.Version}");
        }

        if (asked.Valid is not null)
        {
            line.Append(facts.Valid == true ? " valid" : " invalid");
        }

        if (asked.Warned is not null)
        {
            line.Append(facts.Warned == true ? " with warning" : " without warning");
        }

        return line.ToString();
    }
}
