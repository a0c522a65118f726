using System.Text;
using Registry.Schemas.Validation.Evaluation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Validation.Keywords;

/// <summary>
/// <c>properties</c>, <c>patternProperties</c>, <c>additionalProperties</c> and <c>required</c> of one schema, fused
/// into a single pass over the object's members: each member is looked up once in a map of every name the schema
/// mentions. Invariant: required indexes are &lt; 64 (more required names go to <see cref="RequiredKeyword"/>).
/// </summary>
internal sealed class PropertiesKeyword : Keyword
{
    private readonly Utf8KeyMap _names;
    private readonly ValidatorNode?[] _schemas;     // by name index; null: name only required
    private readonly int[] _requiredBit;         // by name index; -1: not required
    private readonly ulong _allRequired;
    private readonly (EcmaPattern Pattern, ValidatorNode Node)[] _patterns;
    private readonly ValidatorNode? _additional;
    private readonly string _requiredPath;
    private readonly string[] _requiredNames;

    public (Utf8KeyMap Names, ValidatorNode?[] Schemas, int[] RequiredBit, string[] RequiredNames, string RequiredPath,
        (EcmaPattern Pattern, ValidatorNode Node)[] Patterns, ValidatorNode? Additional) Parts
        => (_names, _schemas, _requiredBit, _requiredNames, _requiredPath, _patterns, _additional);

    public PropertiesKeyword(
        string path,
        IReadOnlyList<(byte[] Name, ValidatorNode Node)> properties,
        IReadOnlyList<byte[]> required,
        string requiredPath,
        IReadOnlyList<(EcmaPattern Pattern, ValidatorNode Node)> patterns,
        ValidatorNode? additional) : base(path)
    {
        var names = new List<byte[]>();
        var schemas = new List<ValidatorNode?>();
        var requiredBits = new List<int>();
        foreach (var (name, node) in properties)
        {
            names.Add(name);
            schemas.Add(node);
            requiredBits.Add(-1);
        }

        var bit = 0;
        foreach (var name in required)
        {
            var index = names.FindIndex(n => n.AsSpan().SequenceEqual(name));
            if (index < 0)
            {
                names.Add(name);
                schemas.Add(null);
                requiredBits.Add(-1);
                index = names.Count - 1;
            }

            if (requiredBits[index] < 0)
            {
                requiredBits[index] = bit;
                _allRequired |= 1UL << bit;
                bit++;
            }
        }

        _names = new Utf8KeyMap(names);
        _schemas = [.. schemas];
        _requiredBit = [.. requiredBits];
        _patterns = [.. patterns];
        _additional = additional;
        _requiredPath = requiredPath;
        _requiredNames = new string[bit];
        for (var i = 0; i < _requiredBit.Length; i++)
        {
            if (_requiredBit[i] >= 0)
            {
                _requiredNames[_requiredBit[i]] = Encoding.UTF8.GetString(names[i]);
            }
        }
    }

    public override void AddChildren(List<ValidatorNode> children)
    {
        foreach (var node in _schemas)
        {
            if (node is not null)
            {
                children.Add(node);
            }
        }

        foreach (var (_, node) in _patterns)
        {
            children.Add(node);
        }

        if (_additional is not null)
        {
            children.Add(_additional);
        }
    }

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var tokens = e.Tape.Tokens;
        var count = tokens[token].Length;
        var seen = 0UL;
        var valid = true;
        var member = token + 1;
        for (var m = 0; m < count; m++)
        {
            var value = member + 1;
            var next = tokens[value].Next;
            var name = e.Bytes(member);
            var matched = false;
            var index = _names.Find(name);
            if (index >= 0)
            {
                var required = _requiredBit[index];
                if (required >= 0)
                {
                    seen |= 1UL << required;
                }

                var node = _schemas[index];
                if (node is not null)
                {
                    matched = true;
                    if (!node.Evaluate(ref e, value, -1))
                    {
                        valid = false;
                        if (!e.Full)
                        {
                            return false;
                        }
                    }
                }
            }

            if (_patterns.Length != 0 && !MatchPatterns(ref e, name, value, ref matched))
            {
                valid = false;
                if (!e.Full)
                {
                    return false;
                }
            }

            if (!matched && _additional is not null)
            {
                matched = true;
                if (_additional.Constant == false && e.Full)
                {
                    valid = false;
                    e.Report(_additional.Path, value, $"property '{System.Text.Encoding.UTF8.GetString(name)}' is not allowed");
                }
                else if (!_additional.Evaluate(ref e, value, -1))
                {
                    valid = false;
                    if (!e.Full)
                    {
                        return false;
                    }
                }
            }

            if (matched && ann >= 0)
            {
                e.State.Mark(ann, m);
            }

            member = next;
        }

        if (seen != _allRequired)
        {
            if (e.Full)
            {
                var missing = _allRequired & ~seen;
                for (var b = 0; b < _requiredNames.Length; b++)
                {
                    if ((missing & (1UL << b)) != 0)
                    {
                        e.Report(_requiredPath, token, $"required property '{_requiredNames[b]}' is missing");
                    }
                }
            }

            return false;
        }

        return valid;
    }

    private bool MatchPatterns(ref Evaluator e, ReadOnlySpan<byte> name, int value, ref bool matched)
    {
        var chars = e.State.ToChars(name);
        var valid = true;
        foreach (var (pattern, node) in _patterns)
        {
            if (PatternKeyword.Match(ref e, pattern, chars, Path, out _))
            {
                matched = true;
                if (!node.Evaluate(ref e, value, -1))
                {
                    valid = false;
                    if (!e.Full)
                    {
                        return false;
                    }
                }

                // A nested evaluation may have reused the scratch characters.
                chars = e.State.ToChars(name);
            }
        }

        return valid;
    }
}

/// <summary><c>required</c> with more names than <see cref="PropertiesKeyword"/> tracks in its bit mask.</summary>
internal sealed class RequiredKeyword(string path, byte[][] names) : Keyword(path)
{
    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var valid = true;
        foreach (var name in names)
        {
            if (e.Tape.FindProperty(e.Json, token, name) < 0)
            {
                valid = false;
                if (!e.Full)
                {
                    return false;
                }

                e.Report(Path, token, $"required property '{Encoding.UTF8.GetString(name)}' is missing");
            }
        }

        return valid;
    }
}

/// <summary><c>minProperties</c>/<c>maxProperties</c>, <c>minItems</c>/<c>maxItems</c>: bounds on a container's size.</summary>
internal sealed class CountKeyword(string path, long limit, bool isMax, string what) : Keyword(path)
{
    public (long Limit, bool IsMax) Parts => (limit, isMax);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var count = e.Tape.Tokens[token].Length;
        var ok = isMax ? count <= limit : count >= limit;
        if (!ok && e.Full)
        {
            e.Report(Path, token, $"{count} {what} {(isMax ? "exceed the maximum" : "are fewer than the minimum")} of {limit}");
        }

        return ok;
    }
}

/// <summary><c>dependentRequired</c> (and the array form of draft 4–7 <c>dependencies</c>).</summary>
internal sealed class DependentRequiredKeyword(string path, (byte[] Name, byte[][] Required)[] dependencies) : Keyword(path)
{
    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var valid = true;
        foreach (var (name, required) in dependencies)
        {
            if (e.Tape.FindProperty(e.Json, token, name) < 0)
            {
                continue;
            }

            foreach (var r in required)
            {
                if (e.Tape.FindProperty(e.Json, token, r) < 0)
                {
                    valid = false;
                    if (!e.Full)
                    {
                        return false;
                    }

                    e.Report(Path, token, $"property '{Encoding.UTF8.GetString(r)}' is required when '{Encoding.UTF8.GetString(name)}' is present");
                }
            }
        }

        return valid;
    }
}

/// <summary><c>dependentSchemas</c> (and the schema form of draft 4–7 <c>dependencies</c>).</summary>
internal sealed class DependentSchemasKeyword(string path, (byte[] Name, ValidatorNode Node)[] dependencies) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children)
    {
        foreach (var (_, node) in dependencies)
        {
            children.Add(node);
        }
    }

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var valid = true;
        foreach (var (name, node) in dependencies)
        {
            if (e.Tape.FindProperty(e.Json, token, name) >= 0 && !node.Evaluate(ref e, token, ann))
            {
                valid = false;
                if (!e.Full)
                {
                    return false;
                }
            }
        }

        return valid;
    }
}

/// <summary><c>propertyNames</c>: the schema applies to each name as a string.</summary>
internal sealed class PropertyNamesKeyword(string path, ValidatorNode node) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children) => children.Add(node);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var tokens = e.Tape.Tokens;
        var count = tokens[token].Length;
        var member = token + 1;
        var valid = true;
        for (var m = 0; m < count; m++)
        {
            if (!node.Evaluate(ref e, member, -1))
            {
                valid = false;
                if (!e.Full)
                {
                    return false;
                }
            }

            member = tokens[member + 1].Next;
        }

        return valid;
    }
}

/// <summary><c>unevaluatedProperties</c>: applies to members no sibling keyword evaluated.</summary>
internal sealed class UnevaluatedPropertiesKeyword(string path, ValidatorNode node) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children) => children.Add(node);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var tokens = e.Tape.Tokens;
        var count = tokens[token].Length;
        var member = token + 1;
        var valid = true;
        for (var m = 0; m < count; m++)
        {
            var value = member + 1;
            if (!e.State.IsMarked(ann, m))
            {
                if (node.Constant == false && e.Full)
                {
                    valid = false;
                    e.Report(Path, value, $"property '{System.Text.Encoding.UTF8.GetString(e.Bytes(member))}' is not allowed (unevaluatedProperties)");
                }
                else if (!node.Evaluate(ref e, value, -1))
                {
                    valid = false;
                    if (!e.Full)
                    {
                        return false;
                    }
                }
            }

            member = tokens[value].Next;
        }

        return valid;
    }
}
