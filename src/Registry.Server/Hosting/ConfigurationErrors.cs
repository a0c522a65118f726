using System.Text.RegularExpressions;

namespace Registry.Server.Hosting;

/// <summary>
/// Says what a setting that does not convert should look like, in the setting's own terms: the configuration binder's
/// message names the .NET type it wanted, which means nothing to someone setting an environment variable.
/// </summary>
internal static partial class ConfigurationErrors
{
    /// <summary>True, with the message to show, when <paramref name="error"/> is the binder failing to convert a value.</summary>
    public static bool TryDescribe(InvalidOperationException error, out string message)
    {
        var match = ConversionFailure().Match(error.Message);
        if (!match.Success)
        {
            message = "";
            return false;
        }

        var expected = match.Groups["type"].Value switch
        {
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" => "a number",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration as [d.]hh:mm:ss[.fff], such as 00:00:30",
            "System.Uri" => "an absolute URI",
            var type when type.EndsWith(".BinaryTransport", StringComparison.Ordinal) => "Auto, EventLoop or Sockets",
            _ => "a value of another form",
        };
        message = $"{match.Groups["key"].Value} = '{match.Groups["value"].Value}': expected {expected}.";
        return true;
    }

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();
}
