using System.Text;
using Registry.Schemas.Compatibility;

namespace Registry.Schemas.Tests.Compatibility;

/// <summary>Shorthands for checking schemas written as JSON text.</summary>
internal static class Compat
{
    public static CompatibilityResult Check(string old, string @new, CompatibilityLevel level = CompatibilityLevel.Backward,
        CompatibilityPolicy policy = CompatibilityPolicy.Strict, CompatibilityOptions? options = null)
        => CompatibilityChecker.Check(Encoding.UTF8.GetBytes(@new), [Encoding.UTF8.GetBytes(old)], level, policy, options ?? CompatibilityOptions.Default);

    public static CompatibilityResult CheckAll(string @new, CompatibilityLevel level, params string[] earlier)
    {
        var bytes = new ReadOnlyMemory<byte>[earlier.Length];
        for (var i = 0; i < earlier.Length; i++)
        {
            bytes[i] = Encoding.UTF8.GetBytes(earlier[i]);
        }

        return CompatibilityChecker.Check(Encoding.UTF8.GetBytes(@new), bytes, level, CompatibilityPolicy.Strict);
    }

    public static string Describe(CompatibilityResult result)
        => (result.IsCompatible ? "compatible" : "incompatible") + Environment.NewLine + string.Join(Environment.NewLine, result.Messages);
}
