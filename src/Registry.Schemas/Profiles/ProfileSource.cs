namespace Registry.Schemas.Profiles;

/// <summary>What kind of evidence a profile rule rests on.</summary>
public enum SourceKind
{
    /// <summary>The provider's own documentation says so.</summary>
    ProviderDocumentation,

    /// <summary>The provider's (or engine's) published source code or SDK type definitions do it.</summary>
    ProviderSourceCode,

    /// <summary>A published specification (MCP) says so.</summary>
    Specification,

    /// <summary>Undocumented: known only from users' reports of the provider's behaviour (error messages in issue trackers).</summary>
    UserReport,
}

/// <summary>Where a profile rule comes from: the document, its address, the date it was read or last changed, and what kind of evidence it is.</summary>
/// <param name="Document">The document's title, e.g. <c>OpenAI Structured Outputs guide, "Supported schemas"</c>.</param>
/// <param name="Url">Its address.</param>
/// <param name="Date">The date of the copy the rule was read from (ISO 8601, <c>yyyy-MM-dd</c> or <c>yyyy-MM</c>).</param>
/// <param name="Kind">What kind of evidence it is.</param>
public sealed record ProfileSource(string Document, string Url, string Date, SourceKind Kind)
{
    /// <summary>One line for messages and docs: <c>Document (Url, Date)</c>.</summary>
    public override string ToString() => $"{Document} ({Url}, {Date}{(Kind == SourceKind.UserReport ? ", user report" : "")})";
}

/// <summary>What a provider does with a violation.</summary>
public enum ViolationEffect
{
    /// <summary>The provider refuses the request (an error such as HTTP 400, or an engine error).</summary>
    Rejected,

    /// <summary>The provider accepts the schema but does not enforce this part while generating: the model may produce output the schema forbids.</summary>
    Ignored,

    /// <summary>Not documented either way, or a recommendation (a SHOULD) rather than a rule: fix it to be safe.</summary>
    Advisory,
}

/// <summary>How a profile treats a keyword.</summary>
public enum KeywordSupport
{
    /// <summary>Accepted and enforced.</summary>
    Supported,

    /// <summary>Accepted and not enforced while generating.</summary>
    Ignored,

    /// <summary>The request is refused.</summary>
    Rejected,

    /// <summary>Not in the documented subset; what the provider does with it is not known.</summary>
    Unverified,
}
