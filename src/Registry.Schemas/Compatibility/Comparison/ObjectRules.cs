using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Object keywords: each declared property compared under the content model of the side that does not declare it,
/// then the names nobody declares (patternProperties and the rest), required, counts, propertyNames, dependencies.
/// </summary>
internal static partial class ObjectRules
{
    public static bool Compare(SchemaComparer comparer, SchemaModel old, SchemaModel @new)
    {
        // Property by property, the narrower side is modelled generously (a name an applicator may evaluate is
        // admitted) and the wider side strictly (such a name may fall to its unevaluatedProperties): safe both ways.
        var oldShape = ObjectShape.Of(old, narrowerSide: comparer.Backward);
        var newShape = ObjectShape.Of(@new, narrowerSide: !comparer.Backward);

        // For the names neither declares, when both sides have the same applicators and both leave the rest to
        // unevaluatedProperties, an instance has the same unevaluated names under both: both are modelled strictly.
        var alike = (old.AdditionalProperties is null) == (@new.AdditionalProperties is null) && comparer.ApplicatorsIdentical(old, @new);
        var oldRest = alike && comparer.Backward ? ObjectShape.Of(old, narrowerSide: false) : oldShape;
        var newRest = alike && !comparer.Backward ? ObjectShape.Of(@new, narrowerSide: false) : newShape;
        var sub = comparer.Sub(old, @new);
        var subShape = comparer.Backward ? oldShape : newShape;
        var guaranteed = ObjectShape.GuaranteedNames(sub);

        var included = CompareDeclared(comparer, old, @new, oldShape, newShape, oldRest, newRest);
        included &= CompareUndeclared(comparer, old, @new, oldRest, newRest);
        included &= CompareRequired(comparer, old, @new, guaranteed);
        included &= ScalarRules.LowerLimit(comparer, @new.At("minProperties"), "MIN_PROPERTIES", "minProperties",
            old.MinProperties, @new.MinProperties, Math.Max(sub.MinProperties ?? 0, guaranteed.Count));
        included &= ScalarRules.UpperLimit(comparer, @new.At("maxProperties"), "MAX_PROPERTIES", "maxProperties",
            old.MaxProperties, @new.MaxProperties, MaxProperties(subShape));
        included &= ComparePropertyNames(comparer, old, @new, subShape);
        included &= CompareDependentRequired(comparer, old, @new, guaranteed);
        included &= CompareDependentSchemas(comparer, old, @new);
        return included;
    }

    private static long? MaxProperties(ObjectShape shape)
    {
        var max = shape.Node.MaxProperties;
        if (!shape.IsClosed)
        {
            return max;
        }

        long admitted = 0;
        foreach (var property in shape.Node.Properties)
        {
            if (!property.Schema.AcceptsNothing)
            {
                admitted++;
            }
        }

        return max is null ? admitted : Math.Min(max.Value, admitted);
    }

    private static bool CompareDeclared(SchemaComparer comparer, SchemaModel old, SchemaModel @new, ObjectShape oldShape, ObjectShape newShape,
        ObjectShape oldRest, ObjectShape newRest)
    {
        var included = true;
        foreach (var property in old.Properties)
        {
            var name = property.Name;
            var location = @new.At("properties", name);
            if (@new.PropertySchema(name) is not null)
            {
                included &= IncludesAll(comparer, oldShape, newShape, name, location, commit: true);
                continue;
            }

            var model = newShape.ModelFor(name, comparer.Patterns);
            var ok = model == ContentModel.Open && comparer.Policy == CompatibilityPolicy.Lenient && !comparer.Backward
                     || IncludesAll(comparer, oldShape, newShape, name, location, commit: model == ContentModel.PartiallyOpen);
            var (difference, message) = model switch
            {
                ContentModel.Open => (DifferenceNames.PropertyRemovedFromOpenContentModel, $"property '{name}' removed; the new schema admits it with any value"),
                ContentModel.Closed => (DifferenceNames.PropertyRemovedFromClosedContentModel, $"property '{name}' removed; the new schema does not admit it"),
                _ => (DifferenceNames.PropertyRemovedFromPartiallyOpenContentModel, $"property '{name}' removed; the new schema admits it through {Through(newShape, name, comparer)}"),
            };
            comparer.Report(difference, location, ok, message);
            included &= ok;
        }

        foreach (var property in @new.Properties)
        {
            var name = property.Name;
            if (old.PropertySchema(name) is not null)
            {
                continue;
            }

            var location = @new.At("properties", name);
            var model = oldShape.ModelFor(name, comparer.Patterns);
            var ok = model == ContentModel.Open && comparer.Policy == CompatibilityPolicy.Lenient && comparer.Backward
                     || IncludesAll(comparer, oldShape, newShape, name, location, commit: model == ContentModel.PartiallyOpen);
            var (difference, message) = model switch
            {
                ContentModel.Open => (DifferenceNames.PropertyAddedToOpenContentModel, $"property '{name}' added; the old schema admitted it with any value"),
                ContentModel.Closed => (DifferenceNames.PropertyAddedToClosedContentModel, $"property '{name}' added; the old schema did not admit it"),
                _ => (DifferenceNames.PropertyAddedToPartiallyOpenContentModel, $"property '{name}' added; the old schema admitted it through {Through(oldShape, name, comparer)}"),
            };
            comparer.Report(difference, location, ok, message);
            included &= ok;
        }

        // Names only applicators declare: the side that evaluates them there admits them at this level, the
        // other may leave them to its unevaluatedProperties. (With the same applicators on both sides they are
        // modelled alike, as for the names nobody declares.)
        foreach (var name in (IEnumerable<string>)[.. oldRest.EvaluatedElsewhere, .. newRest.EvaluatedElsewhere])
        {
            if (old.PropertySchema(name) is not null || @new.PropertySchema(name) is not null)
            {
                continue;
            }

            var location = @new.At("properties", name);
            if (IncludesAll(comparer, oldRest, newRest, name, location, commit: false))
            {
                continue;
            }

            var inOld = oldRest.EvaluatedElsewhere.Contains(name);
            var model = (inOld ? newRest : oldRest).ModelFor(name, comparer.Patterns);
            var difference = (inOld, model) switch
            {
                (true, ContentModel.Open) => DifferenceNames.PropertyRemovedFromOpenContentModel,
                (true, ContentModel.Closed) => DifferenceNames.PropertyRemovedFromClosedContentModel,
                (true, _) => DifferenceNames.PropertyRemovedFromPartiallyOpenContentModel,
                (false, ContentModel.Open) => DifferenceNames.PropertyAddedToOpenContentModel,
                (false, ContentModel.Closed) => DifferenceNames.PropertyAddedToClosedContentModel,
                _ => DifferenceNames.PropertyAddedToPartiallyOpenContentModel,
            };
            comparer.Report(difference, location, false,
                $"property '{name}' is evaluated by an applicator of the {(inOld ? "old" : "new")} schema only; the {(inOld ? "new" : "old")} schema may leave it to {(inOld ? newRest : oldRest).RestKeyword ?? "additionalProperties"}");
            included = false;
        }

        return included;
    }

    private static string Through(ObjectShape shape, string name, SchemaComparer comparer)
    {
        foreach (var pattern in shape.Node.PatternProperties)
        {
            if (comparer.Patterns.IsMatch(pattern.Name, name) != false)
            {
                return $"patternProperties '{pattern.Name}'";
            }
        }

        return shape.RestKeyword ?? "additionalProperties";
    }

    /// <summary>
    /// True when the narrower side's schemas for <paramref name="name"/> together imply each of the wider side's:
    /// each wider schema must contain one narrower schema (pairing the same origin first).
    /// </summary>
    private static bool IncludesAll(SchemaComparer comparer, ObjectShape oldShape, ObjectShape newShape, string name, string location, bool commit)
    {
        var oldGoverning = oldShape.Governing(name, comparer.Patterns, out var oldCertain);
        var newGoverning = newShape.Governing(name, comparer.Patterns, out var newCertain);
        if (!oldCertain || !newCertain)
        {
            comparer.Report(DifferenceNames.SchemaChanged, location, false, $"a patternProperties pattern could not be evaluated for property '{name}'");
            return false;
        }

        return IncludesAll(comparer, oldGoverning, newGoverning, location, commit);
    }

    public static bool IncludesAll(SchemaComparer comparer, List<Governing> oldGoverning, List<Governing> newGoverning, string location, bool commit)
    {
        var narrower = comparer.Backward ? oldGoverning : newGoverning;
        var wider = comparer.Backward ? newGoverning : oldGoverning;
        if (narrower.Count == 0)
        {
            narrower = [new Governing(SchemaModel.Synthetic(true, location), "none")];
        }

        var included = true;
        foreach (var target in wider)
        {
            FindingList? partnerFindings = null;
            var found = false;
            foreach (var candidate in Ordered(narrower, target.Origin))
            {
                var ok = comparer.Backward
                    ? comparer.Probe(candidate.Schema, target.Schema, out var findings)
                    : comparer.Probe(target.Schema, candidate.Schema, out findings);
                if (ok)
                {
                    if (commit)
                    {
                        comparer.Commit(findings);
                    }

                    found = true;
                    break;
                }

                partnerFindings ??= findings;
            }

            if (!found)
            {
                if (commit && partnerFindings is not null)
                {
                    comparer.Commit(partnerFindings);
                }

                included = false;
            }
        }

        return included;
    }

    private static IEnumerable<Governing> Ordered(List<Governing> candidates, string preferredOrigin)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.Origin == preferredOrigin)
            {
                yield return candidate;
            }
        }

        foreach (var candidate in candidates)
        {
            if (candidate.Origin != preferredOrigin)
            {
                yield return candidate;
            }
        }
    }

    /// <summary>
    /// Names declared by neither side: every wider-side constraint (a pattern, or the rest) must contain every
    /// narrower-side schema whose names can overlap it.
    /// </summary>
    private static bool CompareUndeclared(SchemaComparer comparer, SchemaModel old, SchemaModel @new, ObjectShape oldShape, ObjectShape newShape)
    {
        var subShape = comparer.Backward ? oldShape : newShape;
        var supShape = comparer.Backward ? newShape : oldShape;
        var failed = new HashSet<string>(StringComparer.Ordinal);

        var narrower = new List<Governing>();
        foreach (var pattern in subShape.Node.PatternProperties)
        {
            narrower.Add(new Governing(pattern.Schema, "pp:" + pattern.Name));
        }

        narrower.Add(new Governing(subShape.Rest ?? SchemaModel.Synthetic(true, subShape.Node.At("additionalProperties")), "rest"));

        var wider = new List<Governing>();
        foreach (var pattern in supShape.Node.PatternProperties)
        {
            wider.Add(new Governing(pattern.Schema, "pp:" + pattern.Name));
        }

        if (supShape.Rest is not null)
        {
            wider.Add(new Governing(supShape.Rest, "rest"));
        }

        var restsAreSchemas = oldShape.Rest is { BooleanValue: null } && newShape.Rest is { BooleanValue: null };
        foreach (var target in wider)
        {
            // A name matching a wider-side pattern that the narrower side has too is governed there by (at least)
            // that same pattern, so comparing the two suffices; otherwise every overlapping narrower schema must fit.
            var samePattern = target.Origin != "rest" && narrower.Exists(c => c.Origin == target.Origin);
            foreach (var candidate in narrower)
            {
                if ((samePattern && candidate.Origin != target.Origin)
                    || !MayOverlap(candidate.Origin, target.Origin, subShape.Node, supShape.Node))
                {
                    continue;
                }

                var sameOrigin = candidate.Origin == target.Origin;
                var commit = sameOrigin && (candidate.Origin != "rest" || restsAreSchemas);
                bool ok;
                if (commit)
                {
                    ok = comparer.Backward ? comparer.Compare(candidate.Schema, target.Schema) : comparer.Compare(target.Schema, candidate.Schema);
                }
                else
                {
                    ok = comparer.Backward ? comparer.Probe(candidate.Schema, target.Schema) : comparer.Probe(target.Schema, candidate.Schema);
                }

                if (!ok)
                {
                    failed.Add(candidate.Origin);
                    failed.Add(target.Origin);
                }
            }
        }

        ReportPatterns(comparer, old, @new, failed);
        ReportRest(comparer, old.AdditionalProperties, @new.AdditionalProperties, @new.At("additionalProperties"),
            DifferenceNames.AdditionalPropertiesNarrowed, DifferenceNames.AdditionalPropertiesExtended, "additionalProperties", !failed.Contains("rest"));
        ReportRest(comparer, old.UnevaluatedProperties, @new.UnevaluatedProperties, @new.At("unevaluatedProperties"),
            DifferenceNames.UnevaluatedPropertiesNarrowed, DifferenceNames.UnevaluatedPropertiesExtended, "unevaluatedProperties", !failed.Contains("rest"));
        return failed.Count == 0;
    }

    private static bool MayOverlap(string narrower, string wider, SchemaModel sub, SchemaModel sup)
    {
        var narrowerPattern = narrower.StartsWith("pp:", StringComparison.Ordinal) ? narrower[3..] : null;
        var widerPattern = wider.StartsWith("pp:", StringComparison.Ordinal) ? wider[3..] : null;
        if (narrowerPattern is not null && widerPattern is not null)
        {
            return narrowerPattern == widerPattern || !PatternMatcher.AreDisjoint(narrowerPattern, widerPattern);
        }

        // The rest of one side excludes every name matched by its own patterns.
        if (narrowerPattern is null && widerPattern is not null)
        {
            return !HasPattern(sub, widerPattern);
        }

        if (narrowerPattern is not null && widerPattern is null)
        {
            return !HasPattern(sup, narrowerPattern);
        }

        return true;
    }

    private static bool HasPattern(SchemaModel node, string pattern)
    {
        foreach (var entry in node.PatternProperties)
        {
            if (entry.Name == pattern)
            {
                return true;
            }
        }

        return false;
    }

    private static void ReportPatterns(SchemaComparer comparer, SchemaModel old, SchemaModel @new, HashSet<string> failed)
    {
        foreach (var pattern in @new.PatternProperties)
        {
            if (!HasPattern(old, pattern.Name))
            {
                comparer.Report(DifferenceNames.PatternPropertyAdded, @new.At("patternProperties", pattern.Name),
                    !failed.Contains("pp:" + pattern.Name), $"patternProperties '{pattern.Name}' added");
            }
        }

        foreach (var pattern in old.PatternProperties)
        {
            if (!HasPattern(@new, pattern.Name))
            {
                comparer.Report(DifferenceNames.PatternPropertyRemoved, @new.At("patternProperties", pattern.Name),
                    !failed.Contains("pp:" + pattern.Name), $"patternProperties '{pattern.Name}' removed");
            }
        }
    }

    /// <summary>Openness of a rest keyword: absent or true 2, a schema 1, false 0.</summary>
    private static int Openness(SchemaModel? rest) => rest switch
    {
        null => 2,
        { BooleanValue: true } => 2,
        { AcceptsNothing: true } => 0,
        { AcceptsEverything: true } => 2,
        _ => 1,
    };

    public static void ReportRest(SchemaComparer comparer, SchemaModel? old, SchemaModel? @new, string location, string narrowed, string extended, string keyword, bool included)
    {
        var before = Openness(old);
        var after = Openness(@new);
        if (before == after)
        {
            return;
        }

        comparer.Report(after < before ? narrowed : extended, location, included,
            $"{keyword} changed from {Describe(old)} to {Describe(@new)}");
    }

    private static string Describe(SchemaModel? rest) => rest switch
    {
        null => "absent",
        { BooleanValue: true } => "true",
        { BooleanValue: false } => "false",
        _ => "a schema",
    };
}
