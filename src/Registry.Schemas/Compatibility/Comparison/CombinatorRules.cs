using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>allOf (and a $ref beside other keywords), anyOf, oneOf, not, and if/then/else.</summary>
internal static class CombinatorRules
{
    public static bool Compare(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        var included = CompareAllOf(comparer, old, @new);
        included &= CompareReference(comparer, old, @new);
        included &= CompareDisjunction(comparer, old, @new, exclusive: false);
        included &= CompareDisjunction(comparer, old, @new, exclusive: true);
        included &= CompareNot(comparer, old, @new);
        included &= CompareConditional(comparer, old, @new);
        return included;
    }

    /// <summary>Probes whether the whole narrower-side node is included in a wider-side part.</summary>
    private static bool WholeIncludedIn(SchemaComparer comparer, SchemaModel old, SchemaModel @new, SchemaModel widerPart, out FindingList findings)
        => comparer.Backward ? comparer.Probe(old, widerPart, out findings) : comparer.Probe(widerPart, @new, out findings);

    private static bool CompareAllOf(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        if (old.AllOf.Length == 0 && @new.AllOf.Length == 0)
        {
            return true;
        }

        var pairing = BranchPairing.Of(old.AllOf, @new.AllOf);
        var included = true;
        for (var i = 0; i < old.AllOf.Length; i++)
        {
            var j = pairing.NewForOld[i];
            if (j >= 0)
            {
                included &= ComparePaired(comparer, old, @new, old.AllOf[i], @new.AllOf[j]);
                continue;
            }

            // A member only the old schema has: a constraint the new schema dropped (forward must still meet it).
            var ok = comparer.Backward || WholeIncludedIn(comparer, old, @new, old.AllOf[i], out _);
            comparer.Report(DifferenceNames.AllOfNarrowed, @new.At("allOf", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ok, $"allOf member {i} removed");
            included &= ok;
        }

        for (var j = 0; j < @new.AllOf.Length; j++)
        {
            if (pairing.OldForNew[j] >= 0)
            {
                continue;
            }

            var ok = !comparer.Backward || WholeIncludedIn(comparer, old, @new, @new.AllOf[j], out _);
            comparer.Report(DifferenceNames.AllOfExtended, @new.At("allOf", j.ToString(System.Globalization.CultureInfo.InvariantCulture)), ok, $"allOf member {j} added");
            included &= ok;
        }

        return included;
    }

    /// <summary>Two conjuncts paired across versions: compare them, or else prove the whole narrower side meets the wider conjunct.</summary>
    private static bool ComparePaired(SchemaComparer comparer, SchemaModel old, SchemaModel @new, SchemaModel oldPart, SchemaModel newPart)
    {
        if (comparer.Probe(oldPart, newPart, out var findings))
        {
            comparer.Commit(findings);
            return true;
        }

        if (WholeIncludedIn(comparer, old, @new, comparer.Sup(oldPart, newPart), out var whole))
        {
            comparer.Commit(whole);
            return true;
        }

        comparer.Commit(findings);
        return false;
    }

    private static bool CompareReference(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        // Deref has already followed references that stand alone; these ones sit beside other keywords.
        var before = old.RefTarget;
        var after = @new.RefTarget;
        if (before is null && after is null)
        {
            return true;
        }

        if (before is not null && after is not null)
        {
            return ComparePaired(comparer, old, @new, before, after);
        }

        if (after is not null)
        {
            var ok = !comparer.Backward || WholeIncludedIn(comparer, old, @new, after, out _);
            comparer.Report(DifferenceNames.ReferenceAdded, @new.At(@new.RefKeyword), ok, $"{@new.RefKeyword} '{@new.Ref}' added");
            return ok;
        }

        var kept = comparer.Backward || WholeIncludedIn(comparer, old, @new, before!, out _);
        comparer.Report(DifferenceNames.ReferenceRemoved, @new.At(old.RefKeyword), kept, $"{old.RefKeyword} '{old.Ref}' removed");
        return kept;
    }

    /// <summary>anyOf (or oneOf when <paramref name="exclusive"/>): every disjunct of the narrower side must fall in one wider branch.</summary>
    private static bool CompareDisjunction(SchemaComparer comparer, SchemaModel old, SchemaModel @new, bool exclusive)
    {
        var oldBranches = exclusive ? old.OneOf : old.AnyOf;
        var newBranches = exclusive ? @new.OneOf : @new.AnyOf;
        if (oldBranches is null && newBranches is null)
        {
            return true;
        }

        var keyword = exclusive ? "oneOf" : "anyOf";
        var sub = comparer.Sub(old, @new);
        var wider = comparer.Backward ? newBranches : oldBranches;
        var pairing = oldBranches is not null && newBranches is not null ? BranchPairing.Of(oldBranches, newBranches) : null;

        // Failures, by the index of the branch concerned on its own side.
        var failedOld = new HashSet<int>();
        var failedNew = new HashSet<int>();
        var wholeFailed = false;
        var overlaps = new List<(int Index, bool IsNew)>();

        if (wider is not null)
        {
            // The narrower side as disjuncts: its own branches of this keyword (or of the other one), or itself whole.
            var sameKeyword = comparer.Backward ? oldBranches : newBranches;
            var disjuncts = sameKeyword ?? (exclusive ? sub.AnyOf : sub.OneOf) ?? (exclusive ? null : sub.OneOf);
            var disjunctsExclusive = sameKeyword is not null ? exclusive : disjuncts is not null && ReferenceEquals(disjuncts, sub.OneOf);
            if (disjuncts is null)
            {
                wholeFailed = !FindContainingBranch(comparer, old, @new, sub, null, -1, wider, null, exclusive, false, overlaps);
            }
            else
            {
                var allFound = true;
                for (var i = 0; i < disjuncts.Length; i++)
                {
                    var partner = sameKeyword is not null && pairing is not null
                        ? (comparer.Backward ? pairing.NewForOld[i] : pairing.OldForNew[i])
                        : -1;
                    if (!FindContainingBranch(comparer, old, @new, disjuncts[i], disjuncts, i, wider, partner, exclusive, disjunctsExclusive, overlaps,
                            sameKeyword is not null ? pairing : null))
                    {
                        allFound = false;
                        if (sameKeyword is null)
                        {
                            wholeFailed = true;
                        }
                        else
                        {
                            (comparer.Backward ? failedOld : failedNew).Add(i);
                        }
                    }
                }
                // Disjuncts of the other keyword failed one by one: the narrower side may still fit one branch whole.
                if (!allFound && sameKeyword is null)
                {
                    wholeFailed = !FindContainingBranch(comparer, old, @new, sub, null, -1, wider, null, exclusive, false, overlaps);
                }
            }
        }

        foreach (var (index, isNew) in overlaps)
        {
            (isNew ? failedNew : failedOld).Add(index);
        }

        return Report(comparer, old, @new, keyword, oldBranches, newBranches, pairing, failedOld, failedNew, wholeFailed, overlaps);
    }

    /// <summary>
    /// Finds a wider branch containing <paramref name="part"/> (the partner first, committing the findings of the
    /// comparison that proves it, or the partner's when none does). For oneOf the part must also be kept out of
    /// every other wider branch: disjoint from it, or that branch inside another exclusive disjunct.
    /// </summary>
    private static bool FindContainingBranch(SchemaComparer comparer, SchemaModel old, SchemaModel @new, SchemaModel part, SchemaModel[]? disjuncts, int partIndex,
        SchemaModel[] wider, int? partner, bool exclusive, bool disjunctsExclusive, List<(int Index, bool IsNew)> overlaps, BranchPairing? pairing = null)
    {
        if (partner is null or < 0 && disjuncts is null)
        {
            partner = LikelyPartner(part, wider);
        }

        FindingList? partnerFindings = null;
        List<int>? partnerOverlaps = null;
        var candidates = new List<SchemaModel>(2) { part };
        if (disjuncts is not null && comparer.WithoutDisjunction(comparer.Sub(old, @new), part) is { } merged
            && !ReferenceEquals(SchemaComparer.Deref(merged), SchemaComparer.Deref(part)))
        {
            candidates.Add(merged);
        }

        // The branch alone first, against every wider branch; then the branch with its siblings' constraints.
        foreach (var candidate in candidates)
        {
            foreach (var j in Order(wider.Length, partner ?? -1))
            {
                var ok = comparer.Backward ? comparer.Probe(candidate, wider[j], out var findings) : comparer.Probe(wider[j], candidate, out findings);
                List<int>? overlapping = null;
                if (ok && exclusive)
                {
                    overlapping = Overlapping(comparer, candidate, disjuncts, partIndex, wider, j, disjunctsExclusive, pairing);
                    ok = overlapping.Count == 0;
                }

                if (ok)
                {
                    comparer.Commit(findings);
                    return true;
                }

                if (j == partner && ReferenceEquals(candidate, part))
                {
                    partnerFindings = findings;
                    partnerOverlaps = overlapping;
                }
            }
        }

        // A part admitting several types may fall in different branches type by type (["string", "null"] in anyOf).
        if (comparer.SplitByType(part) is { } pieces)
        {
            var all = true;
            var trial = new List<(int, bool)>();
            foreach (var piece in pieces)
            {
                if (!FindContainingBranch(comparer, old, @new, piece, disjuncts, partIndex, wider, null, exclusive, disjunctsExclusive, trial, pairing))
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return true;
            }
        }

        if (partnerFindings is not null)
        {
            comparer.Commit(partnerFindings);
            foreach (var k in partnerOverlaps ?? [])
            {
                overlaps.Add((k, comparer.Backward));
            }
        }

        return false;
    }

    /// <summary>The only wider branch admitting some type the part admits, if there is exactly one: its differences explain a failure best.</summary>
    private static int LikelyPartner(SchemaModel part, SchemaModel[] wider)
    {
        var found = -1;
        for (var j = 0; j < wider.Length; j++)
        {
            if ((SchemaComparer.Deref(wider[j]).Types & part.Types) != 0)
            {
                if (found >= 0)
                {
                    return -1;
                }

                found = j;
            }
        }

        return found;
    }

    private static IEnumerable<int> Order(int count, int first)
    {
        if (first >= 0)
        {
            yield return first;
        }

        for (var j = 0; j < count; j++)
        {
            if (j != first)
            {
                yield return j;
            }
        }
    }

    /// <summary>The other wider branches a document of <paramref name="part"/> might also match.</summary>
    private static List<int> Overlapping(SchemaComparer comparer, SchemaModel part, SchemaModel[]? disjuncts, int partIndex, SchemaModel[] wider, int chosen, bool disjunctsExclusive, BranchPairing? pairing)
    {
        var result = new List<int>();
        for (var k = 0; k < wider.Length; k++)
        {
            if (k == chosen || Disjointness.AreDisjoint(comparer, part, wider[k]))
            {
                continue;
            }

            // A document matched only one exclusive disjunct; a wider branch inside another disjunct cannot match it.
            var excluded = false;
            if (disjunctsExclusive && disjuncts is not null)
            {
                var likely = pairing is null ? -1 : comparer.Backward ? pairing.OldForNew[k] : pairing.NewForOld[k];
                foreach (var m in Order(disjuncts.Length, likely))
                {
                    if (excluded)
                    {
                        break;
                    }

                    excluded = m != partIndex && (comparer.Backward
                        ? comparer.ProbeFlipped(disjuncts[m], wider[k])
                        : comparer.ProbeFlipped(wider[k], disjuncts[m]));
                }
            }

            if (!excluded)
            {
                result.Add(k);
            }
        }

        return result;
    }

    private static bool Report(SchemaComparer comparer, SchemaModel old, SchemaModel @new, string keyword, SchemaModel[]? oldBranches, SchemaModel[]? newBranches,
        BranchPairing? pairing, HashSet<int> failedOld, HashSet<int> failedNew, bool wholeFailed, List<(int Index, bool IsNew)> overlaps)
    {
        var exclusive = keyword == "oneOf";
        if (oldBranches is null)
        {
            comparer.Report(exclusive ? DifferenceNames.OneOfAdded : DifferenceNames.AnyOfAdded, @new.At(keyword), !wholeFailed && overlaps.Count == 0,
                $"{keyword} with {newBranches!.Length} branch(es) added");
            return !wholeFailed && overlaps.Count == 0;
        }

        if (newBranches is null)
        {
            comparer.Report(exclusive ? DifferenceNames.OneOfRemoved : DifferenceNames.AnyOfRemoved, @new.At(keyword), !wholeFailed && overlaps.Count == 0,
                $"{keyword} with {oldBranches.Length} branch(es) removed");
            return !wholeFailed && overlaps.Count == 0;
        }

        var included = !wholeFailed && failedOld.Count == 0 && failedNew.Count == 0;
        var reported = new HashSet<(int, bool)>();
        for (var j = 0; j < newBranches.Length; j++)
        {
            if (pairing!.OldForNew[j] < 0)
            {
                comparer.Report(exclusive ? DifferenceNames.OneOfExtended : DifferenceNames.AnyOfExtended, JsonPointer.Append(@new.At(keyword), j),
                    !failedNew.Contains(j), $"{keyword} branch {j} added");
                reported.Add((j, true));
            }
        }

        for (var i = 0; i < oldBranches.Length; i++)
        {
            if (pairing!.NewForOld[i] < 0)
            {
                comparer.Report(exclusive ? DifferenceNames.OneOfNarrowed : DifferenceNames.AnyOfNarrowed, JsonPointer.Append(@new.At(keyword), i),
                    !failedOld.Contains(i), $"{keyword} branch {i} of the old schema removed");
                reported.Add((i, false));
            }
        }

        foreach (var (index, isNew) in overlaps)
        {
            if (!reported.Contains((index, isNew)))
            {
                var location = isNew ? JsonPointer.Append(@new.At(keyword), index) : JsonPointer.Append(@new.At(keyword), pairing!.NewForOld[index] >= 0 ? pairing.NewForOld[index] : index);
                comparer.Report(DifferenceNames.OneOfBranchesOverlap, location, false, $"oneOf branch {index} may now match documents another branch also matches");
            }
        }

        return included;
    }

    private static bool CompareNot(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        if (old.Not is null && @new.Not is null)
        {
            return true;
        }

        var sub = comparer.Sub(old, @new);
        var sup = comparer.Sup(old, @new);
        if (old.Not is { } before && @new.Not is { } after)
        {
            // Contravariant: the narrower side excludes more when its negated schema is wider.
            if (comparer.ProbeFlipped(before, after))
            {
                return comparer.CompareFlipped(before, after);
            }

            if (Disjointness.AreDisjoint(comparer, sub, sup.Not!))
            {
                return true;
            }

            return comparer.CompareFlipped(before, after);
        }

        var ok = sup.Not is null || Disjointness.AreDisjoint(comparer, sub, sup.Not);
        comparer.Report(@new.Not is not null ? DifferenceNames.NotAdded : DifferenceNames.NotRemoved, @new.At("not"), ok,
            @new.Not is not null ? "not added" : "not removed");
        return ok;
    }

    private static bool CompareConditional(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        if (old.If is null && @new.If is null)
        {
            return true;
        }

        var sup = comparer.Sup(old, @new);
        if (old.If is { } before && @new.If is { } after && comparer.Probe(before, after) && comparer.ProbeFlipped(before, after))
        {
            // The same condition: compare the branches, an absent one admitting everything. "then" only ever sees
            // instances of the condition's types, and "else", for a condition on types alone, only the others.
            var ifTypes = comparer.EffectiveTypes(after);
            var elseTypes = SchemaComparer.IsTypeOnly(SchemaComparer.Deref(after)) ? ~ifTypes & JsonTypeSet.All : JsonTypeSet.All;
            var thenOk = comparer.Compare(
                comparer.RestrictTo(old.Then ?? SchemaModel.Synthetic(true, old.At("then")), ifTypes),
                comparer.RestrictTo(@new.Then ?? SchemaModel.Synthetic(true, @new.At("then")), ifTypes));
            var elseOk = comparer.Compare(
                comparer.RestrictTo(old.Else ?? SchemaModel.Synthetic(true, old.At("else")), elseTypes),
                comparer.RestrictTo(@new.Else ?? SchemaModel.Synthetic(true, @new.At("else")), elseTypes));
            return thenOk & elseOk;
        }

        var ok = sup.If is null || ConditionalHolds(comparer, old, @new, sup);
        var (name, message) = (old.If, @new.If) switch
        {
            (null, _) => (DifferenceNames.ConditionalAdded, "if/then/else added"),
            (_, null) => (DifferenceNames.ConditionalRemoved, "if/then/else removed"),
            _ => (DifferenceNames.ConditionChanged, "the if condition changed"),
        };
        comparer.Report(name, @new.At("if"), ok, message);
        return ok;
    }

    /// <summary>The whole narrower side meets the wider side's if/then/else: both branches, or the one the condition decides.</summary>
    private static bool ConditionalHolds(SchemaComparer comparer, SchemaModel old, SchemaModel @new, SchemaModel sup)
    {
        var thenOk = sup.Then is null || WholeIncludedIn(comparer, old, @new, sup.Then, out _);
        var elseOk = sup.Else is null || WholeIncludedIn(comparer, old, @new, sup.Else, out _);
        if (thenOk && elseOk)
        {
            return true;
        }

        if (thenOk && WholeIncludedIn(comparer, old, @new, sup.If!, out _))
        {
            return true;
        }

        return elseOk && Disjointness.AreDisjoint(comparer, comparer.Sub(old, @new), sup.If!);
    }
}
