using Registry.Schemas.Profiles.Lint;

namespace Registry.Schemas.Profiles;

/// <summary>How a profile treats one keyword, and on what evidence.</summary>
/// <param name="Keyword">The keyword, e.g. <c>allOf</c>.</param>
/// <param name="Support">Supported, ignored, rejected or unverified.</param>
/// <param name="Source">Where that is said.</param>
/// <param name="Note">A qualification, e.g. "only the values 0 and 1".</param>
public sealed record KeywordRule(string Keyword, KeywordSupport Support, ProfileSource Source, string? Note = null);

/// <summary>One rule of a profile beyond keyword support: a shape requirement, a limit or a combination the provider refuses.</summary>
/// <param name="Id">The rule's identifier within the profile, e.g. <c>objects-closed</c>.</param>
/// <param name="Violation">The violation name it reports (see <see cref="ViolationNames"/>).</param>
/// <param name="Effect">What the provider does when the rule is broken.</param>
/// <param name="Description">The rule in one sentence.</param>
/// <param name="Source">Where it comes from.</param>
/// <param name="Limit">The limit, for rules that have one.</param>
public sealed record ProfileRule(string Id, string Violation, ViolationEffect Effect, string Description, ProfileSource Source, long? Limit = null)
{
    internal RuleKind Kind { get; init; }
}

/// <summary>What names (of tools, of parameters) a provider accepts.</summary>
/// <param name="MaxLength">Longest name, in characters.</param>
/// <param name="ExtraCharacters">Characters allowed besides ASCII letters and digits, e.g. <c>_-</c>.</param>
/// <param name="MustStartWithLetterOrUnderscore">Whether the first character must be an ASCII letter or <c>_</c>.</param>
/// <param name="Effect">What the provider does with a name that breaks the rule.</param>
/// <param name="Source">Where the rule comes from.</param>
public sealed record NameRule(int MaxLength, string ExtraCharacters, bool MustStartWithLetterOrUnderscore, ViolationEffect Effect, ProfileSource Source)
{
    /// <summary>Whether <paramref name="name"/> follows the rule.</summary>
    public bool Accepts(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > MaxLength)
        {
            return false;
        }

        if (MustStartWithLetterOrUnderscore && !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && ExtraCharacters.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The rule in words, e.g. <c>1 to 64 characters of A-Z, a-z, 0-9 and _-</c>.</summary>
    public string Describe()
        => $"1 to {MaxLength} characters of A-Z, a-z, 0-9{(ExtraCharacters.Length > 0 ? " and " + ExtraCharacters : "")}"
           + (MustStartWithLetterOrUnderscore ? ", starting with a letter or _" : "");
}

/// <summary>Which keywords beside <c>$ref</c> a provider objects to.</summary>
internal enum RefSiblingMode
{
    /// <summary>Any keyword except definitions and identifiers ($defs, definitions, $schema, $id, $comment, $anchor).</summary>
    Any,

    /// <summary>Keywords not starting with <c>$</c>.</summary>
    NonDollar,

    /// <summary>Only constraining keywords (annotations beside $ref are harmless); not reported for draft-07 and older, where the specification ignores them too.</summary>
    Assertions,
}

/// <summary>The internal list of checks; each profile enables some of them as <see cref="ProfileRule"/>s.</summary>
internal enum RuleKind
{
    RootMustBeObject,
    RootNotAnyOf,
    ObjectsClosed,
    AllPropertiesRequired,
    RequiredMustBeDeclared,
    TypeRequired,
    TypeArrays,
    ArrayItemsRequired,
    BooleanSchemas,
    Formats,
    PatternFeatures,
    PatternLargeRepetition,
    PatternAnchored,
    PatternLookaround,
    PatternWithLengthBounds,
    MinItemsZeroOrOne,
    EnumPrimitiveValues,
    EnumStringValues,
    EnumStringOrNumberValues,
    MaxEnumValues,
    LargeStringEnum,
    StringBudget,
    MaxProperties,
    MaxNesting,
    MaxOptional,
    MaxUnion,
    MaxItemsBudget,
    RefExternal,
    RefNonPointer,
    RefSiblings,
    RefCycle,
    RefCycleRequired,
    AllOfWithRef,
    AllOfMultiple,
    AllOfPartial,
    UntypedConstraints,
    UnionSiblings,
    OneOfExclusivity,
    NumberBoundsIntegerOnly,
    NumberMultipleOf,
    ArrayContainsKeywords,
    PropertyNamesCombination,
    PatternPropertiesCombination,
    ParameterNames,
    McpHeader,
    SchemaValid,
    MaxTools,
    MaxStrictTools,
    RequestOptional,
    RequestUnion,
    ToolNamesUnique,
    Count,
}

/// <summary>
/// A dated rule set of what one model provider (or engine) accepts in a JSON Schema: the keywords it supports,
/// ignores and rejects, its shape rules and its limits, each with its source. The instances are in
/// <see cref="ProviderProfiles"/>; a profile's <see cref="Version"/> changes whenever a rule changes.
/// </summary>
public sealed class Profile
{
    private readonly KeywordSupport[] _keywordSupport = new KeywordSupport[(int)KeywordId.Count];
    private readonly KeywordRule?[] _keywordRules = new KeywordRule?[(int)KeywordId.Count];
    private readonly ProfileRule?[] _rules = new ProfileRule?[(int)RuleKind.Count];

    internal Profile(
        string name,
        string version,
        string target,
        IReadOnlyList<KeywordRule> keywords,
        KeywordRule unlistedAssertions,
        KeywordRule unlistedAnnotations,
        IReadOnlyList<ProfileRule> rules,
        IReadOnlyList<string>? supportedFormats,
        ProfileSource? formatsSource,
        NameRule? toolNames,
        NameRule? parameterNames)
    {
        Name = name;
        Version = version;
        Target = target;
        Keywords = keywords;
        UnlistedAssertions = unlistedAssertions;
        UnlistedAnnotations = unlistedAnnotations;
        Rules = rules;
        SupportedFormats = supportedFormats;
        FormatsSource = formatsSource;
        ToolNames = toolNames;
        ParameterNames = parameterNames;
        for (var id = 1; id < (int)KeywordId.Count; id++)
        {
            var category = SchemaKeywords.Info((KeywordId)id).Category;
            _keywordSupport[id] = category == KeywordCategory.Assertion ? unlistedAssertions.Support : unlistedAnnotations.Support;
            _keywordRules[id] = category == KeywordCategory.Assertion ? unlistedAssertions : unlistedAnnotations;
        }

        foreach (var rule in keywords)
        {
            var id = SchemaKeywords.Find(rule.Keyword);
            if (id == KeywordId.Unknown)
            {
                throw new ArgumentException($"'{rule.Keyword}' is not a known keyword.", nameof(keywords));
            }

            _keywordSupport[(int)id] = rule.Support;
            _keywordRules[(int)id] = rule;
        }

        foreach (var rule in rules)
        {
            _rules[(int)rule.Kind] = rule;
        }
    }

    /// <summary>The profile's name, e.g. <c>openai-strict</c>.</summary>
    public string Name { get; }

    /// <summary>The date of the profile's rules (<c>yyyy-MM-dd</c>): the newest source it was checked against.</summary>
    public string Version { get; }

    /// <summary>What the profile is for, e.g. "OpenAI Structured Outputs and strict function calling".</summary>
    public string Target { get; }

    /// <summary>The keywords the profile names, with their support and sources.</summary>
    public IReadOnlyList<KeywordRule> Keywords { get; }

    /// <summary>How constraining keywords the profile does not name are treated (<see cref="KeywordRule.Keyword"/> is <c>*</c>).</summary>
    public KeywordRule UnlistedAssertions { get; }

    /// <summary>How annotation and unknown keywords the profile does not name are treated (<see cref="KeywordRule.Keyword"/> is <c>*</c>).</summary>
    public KeywordRule UnlistedAnnotations { get; }

    /// <summary>The shape rules and limits.</summary>
    public IReadOnlyList<ProfileRule> Rules { get; }

    /// <summary>The <c>format</c> values the provider accepts, or null when any is accepted.</summary>
    public IReadOnlyList<string>? SupportedFormats { get; }

    /// <summary>Where <see cref="SupportedFormats"/> comes from.</summary>
    public ProfileSource? FormatsSource { get; }

    /// <summary>What tool (function) names the provider accepts, or null when it says nothing.</summary>
    public NameRule? ToolNames { get; }

    /// <summary>What names the top-level properties (function parameters) may have, or null when unrestricted.</summary>
    public NameRule? ParameterNames { get; }

    /// <summary>The rule with identifier <paramref name="id"/> (e.g. <c>objects-closed</c>), or null.</summary>
    public ProfileRule? FindRule(string id) => Rules.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.Ordinal));

    /// <summary>The profile's limit for the rule reporting <paramref name="violation"/>, or null when it has none.</summary>
    public long? LimitOf(string violation) => Rules.FirstOrDefault(r => string.Equals(r.Violation, violation, StringComparison.Ordinal) && r.Limit is not null)?.Limit;

    internal KeywordSupport SupportOf(KeywordId id) => _keywordSupport[(int)id];

    internal KeywordRule KeywordRuleOf(KeywordId id) => _keywordRules[(int)id]!;

    internal ProfileRule? Rule(RuleKind kind) => _rules[(int)kind];

    internal bool Has(RuleKind kind) => _rules[(int)kind] is not null;

    /// <summary>True for the strict-mode profiles (OpenAI, Anthropic): their rules apply to tools sent with <c>strict: true</c> only.</summary>
    public bool StrictOnly { get; internal init; }

    /// <summary>vLLM refuses type-specific keywords only when the schema declares that type (elsewhere xgrammar skips them).</summary>
    internal bool TypeGatedKeywords { get; init; }

    /// <summary>Which keywords beside <c>$ref</c> count as siblings for <see cref="RuleKind.RefSiblings"/>.</summary>
    internal RefSiblingMode RefSiblings { get; init; }

    /// <summary>Type-specific keywords the engine skips when the schema declares no type.</summary>
    internal IReadOnlyList<string> UntypedIgnoredKeywords { get; init; } = [];

    /// <summary>Whether an untyped schema without object or array structure is generated as any value (xgrammar), so all its type-specific keywords are skipped.</summary>
    internal bool UntypedIsAnyValue { get; init; }

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}
