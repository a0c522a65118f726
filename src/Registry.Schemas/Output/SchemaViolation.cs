namespace Registry.Schemas.Output;

/// <summary>
/// One reason a model's output is not (or can no longer become) valid: where, against which keyword, what was expected
/// and what was received, worded for a person or a model.
/// </summary>
/// <param name="InstanceLocation">JSON pointer into the output (empty for the root).</param>
/// <param name="KeywordLocation">JSON pointer of the keyword in its schema document (absolute, not through references).</param>
/// <param name="Keyword">
/// A stable name of the rule: a JSON Schema keyword (<c>type</c>, <c>enum</c>, <c>required</c>, <c>additionalProperties</c>,
/// <c>maxItems</c>, ...), <c>false</c> for a schema that allows nothing, <c>duplicateKey</c>, <c>json</c> for malformed
/// JSON or <c>limit</c> for a size or depth limit.
/// </param>
/// <param name="Expected">What was expected, as a noun phrase ("a value of type string", "one of \"open\", \"closed\"").</param>
/// <param name="Received">What was received, as a noun phrase ("the number 12", "a string starting with \"pen\"").</param>
/// <param name="Message">A full sentence combining the above.</param>
public sealed record SchemaViolation(string InstanceLocation, string KeywordLocation, string Keyword, string Expected, string Received, string Message)
{
    /// <summary>In streaming, the byte offset at which the violation became definite; -1 otherwise.</summary>
    public long ByteOffset { get; init; } = -1;

    /// <summary>Further explanation (for anyOf/oneOf: why each alternative failed); empty when there is none.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
}
