using System.Text.RegularExpressions;
using Registry.Engine;
using Registry.Server.Http.Native;
using Registry.Testing;

namespace Registry.Server.Tests;

/// <summary>
/// <see cref="ApiErrors"/> is the one mapping from the engine's error codes to the native API's HTTP status and
/// <c>error_code</c>; the error middleware answers every engine refusal through it (CrossApi checks the answers). Here:
/// the mapping is complete and the README's table of native errors says the same.
/// </summary>
public sealed class NativeErrorMappingTests
{
    [Fact]
    public void Every_engine_error_has_its_own_name_and_only_store_failures_are_server_errors()
    {
        var codes = Enum.GetValues<RegistryErrorCode>();
        var names = codes.Select(ApiErrors.Name).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(codes, code => Assert.Equal(
            code is RegistryErrorCode.StoreError or RegistryErrorCode.StoreUnavailable,
            ApiErrors.Status(code) >= 500));
    }

    [Fact]
    public void The_readme_lists_every_engine_error_under_the_status_the_native_api_answers_it_with()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("## Native HTTP API", StringComparison.Ordinal)..readme.IndexOf("## Using Confluent clients", StringComparison.Ordinal)];
        var rows = Regex.Matches(section, @"^\| (\d{3}) \| (.+) \|$", RegexOptions.Multiline)
            .ToDictionary(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m => m.Groups[2].Value);

        Assert.All(Enum.GetValues<RegistryErrorCode>(), code =>
        {
            var status = ApiErrors.Status(code);
            Assert.True(rows.TryGetValue(status, out var row), $"the README has no row for {status} ({code})");
            Assert.Contains($"`{ApiErrors.Name(code)}`", row, StringComparison.Ordinal);
        });
    }
}
