using System.Buffers;
using Registry.Schemas.Validation.Evaluation;
using Registry.Schemas.Validation.Json;

namespace Registry.Schemas.Validation.Keywords;

/// <summary>
/// Positional items (<c>prefixItems</c>, or the array form of <c>items</c> before 2020-12) followed by a schema for the
/// rest (<c>items</c>, or <c>additionalItems</c>), in one pass over the array.
/// </summary>
internal sealed class ItemsKeyword(string path, ValidatorNode[] prefix, ValidatorNode? rest) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children)
    {
        children.AddRange(prefix);
        if (rest is not null)
        {
            children.Add(rest);
        }
    }
    public (ValidatorNode[] Prefix, ValidatorNode? Tail) Parts => (prefix, rest);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var tokens = e.Tape.Tokens;
        var count = tokens[token].Length;
        var item = token + 1;
        var valid = true;
        for (var i = 0; i < count; i++)
        {
            var node = i < prefix.Length ? prefix[i] : rest;
            if (node is null)
            {
                break;
            }

            if (node.Constant == false && e.Full)
            {
                valid = false;
                e.Report(node.Path, item, $"the array may have only {prefix.Length} item(s); item {i} is not allowed");
            }
            else if (!node.Evaluate(ref e, item, -1))
            {
                valid = false;
                if (!e.Full)
                {
                    return false;
                }
            }

            if (ann >= 0)
            {
                e.State.Mark(ann, i);
            }

            item = tokens[item].Next;
        }

        return valid;
    }
}

/// <summary><c>contains</c> with <c>minContains</c>/<c>maxContains</c>.</summary>
internal sealed class ContainsKeyword(string path, ValidatorNode node, long min, long max, bool annotates) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children) => children.Add(node);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var tokens = e.Tape.Tokens;
        var count = tokens[token].Length;
        var item = token + 1;
        long matches = 0;
        var full = e.Full;
        e.Full = false;
        var needAll = max >= 0 || (annotates && ann >= 0);
        for (var i = 0; i < count; i++)
        {
            if (node.Evaluate(ref e, item, -1))
            {
                matches++;
                if (annotates && ann >= 0)
                {
                    e.State.Mark(ann, i);
                }

                if (!needAll && matches >= min)
                {
                    break;
                }
            }

            item = tokens[item].Next;
        }

        e.Full = full;
        var ok = matches >= min && (max < 0 || matches <= max);
        if (!ok && e.Full)
        {
            e.Report(Path, token, matches < min
                ? $"the array contains {matches} matching item(s), fewer than the {min} required"
                : $"the array contains {matches} matching items, more than the {max} allowed");
        }

        return ok;
    }
}

/// <summary>
/// <c>uniqueItems: true</c>: items sorted by a keyed 64-bit hash (<see cref="JsonValueHash"/>), then compared only
/// within runs of equal hashes; no crafted set of distinct items can make those runs long.
/// </summary>
internal sealed class UniqueItemsKeyword(string path) : Keyword(path)
{
    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var tokens = e.Tape.Tokens;
        var count = tokens[token].Length;
        if (count < 2)
        {
            return true;
        }

        // Hashing reads every token of the array once; sorting costs about log2(count) steps per item.
        e.State.Charge(tokens[token].Next - token + ((long)count * System.Numerics.BitOperations.Log2((uint)count)), Path);
        var items = ArrayPool<int>.Shared.Rent(count);
        var hashes = ArrayPool<ulong>.Shared.Rent(count);
        try
        {
            var item = token + 1;
            for (var i = 0; i < count; i++)
            {
                items[i] = item;
                hashes[i] = JsonValueHash.Of(e.Tape, e.Json, item);
                item = tokens[item].Next;
            }

            // Sort by hash so that equal values are adjacent within equal-hash runs.
            var keys = hashes.AsSpan(0, count);
            keys.Sort(items.AsSpan(0, count));
            for (var i = 0; i < count; i++)
            {
                for (var j = i + 1; j < count && keys[j] == keys[i]; j++)
                {
                    if (JsonEquality.Equal(e.Tape, e.Json, items[i], e.Tape, e.Json, items[j]))
                    {
                        if (e.Full)
                        {
                            e.Report(Path, token, "the array items are not unique");
                        }

                        return false;
                    }
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(items);
            ArrayPool<ulong>.Shared.Return(hashes);
        }
    }
}

/// <summary><c>unevaluatedItems</c>: applies to items no sibling keyword evaluated.</summary>
internal sealed class UnevaluatedItemsKeyword(string path, ValidatorNode node) : Keyword(path)
{
    public override void AddChildren(List<ValidatorNode> children) => children.Add(node);

    public override bool Evaluate(ref Evaluator e, int token, int ann)
    {
        var tokens = e.Tape.Tokens;
        var count = tokens[token].Length;
        var item = token + 1;
        var valid = true;
        for (var i = 0; i < count; i++)
        {
            if (!e.State.IsMarked(ann, i) && node.Constant == false && e.Full)
            {
                valid = false;
                e.Report(Path, item, $"item {i} is not allowed (unevaluatedItems)");
            }
            else if (!e.State.IsMarked(ann, i) && !node.Evaluate(ref e, item, -1))
            {
                valid = false;
                if (!e.Full)
                {
                    return false;
                }
            }

            item = tokens[item].Next;
        }

        return valid;
    }
}
