namespace Registry.Server.Http.Native;

/// <summary>
/// Subject names in paths. The server decodes every escape in a path except <c>%2F</c>, which it keeps so that an
/// encoded slash does not split a segment; a subject name containing '/' therefore arrives with <c>%2F</c> in it.
/// (A name containing the literal text "%2F" cannot be told apart and is read as containing a slash.)
/// </summary>
internal static class SubjectPath
{
    public static string Decode(string subject) =>
        subject.Contains('%', StringComparison.Ordinal)
            ? subject.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase)
            : subject;
}
