using System.Text.Json;
using Registry.Schemas.Compatibility.Model;

namespace Registry.Schemas.Compatibility.Comparison;

/// <summary>
/// Pairs the members of an old and a new list of subschemas (allOf, anyOf, oneOf) for reporting: identical JSON
/// first, then the same admitted types in order, then what is left in order. Pairing names the differences
/// ("branch 2 changed" rather than "branch removed, branch added"); it never decides compatibility, which is
/// proved against every member.
/// </summary>
internal sealed class BranchPairing
{
    private BranchPairing(int[] newForOld, int[] oldForNew)
    {
        NewForOld = newForOld;
        OldForNew = oldForNew;
    }

    /// <summary>For each old member, the index of its new partner, or -1.</summary>
    public int[] NewForOld { get; }

    /// <summary>For each new member, the index of its old partner, or -1.</summary>
    public int[] OldForNew { get; }

    public static BranchPairing Of(SchemaModel[] old, SchemaModel[] @new)
    {
        var newForOld = new int[old.Length];
        var oldForNew = new int[@new.Length];
        Array.Fill(newForOld, -1);
        Array.Fill(oldForNew, -1);

        for (var pass = 0; pass < 3; pass++)
        {
            for (var i = 0; i < old.Length; i++)
            {
                if (newForOld[i] >= 0)
                {
                    continue;
                }

                for (var j = 0; j < @new.Length; j++)
                {
                    if (oldForNew[j] >= 0)
                    {
                        continue;
                    }

                    var match = pass switch
                    {
                        0 => SameJson(old[i], @new[j]),
                        1 => SchemaComparer.Deref(old[i]).Types == SchemaComparer.Deref(@new[j]).Types,
                        _ => true,
                    };
                    if (match)
                    {
                        newForOld[i] = j;
                        oldForNew[j] = i;
                        break;
                    }
                }
            }

            // Pairing leftovers blindly only makes sense when the counts match (an edit, not an insertion).
            if (pass == 1 && old.Length != @new.Length)
            {
                break;
            }
        }

        return new BranchPairing(newForOld, oldForNew);
    }

    private static bool SameJson(SchemaModel a, SchemaModel b)
        => a.Element.ValueKind != JsonValueKind.Undefined && b.Element.ValueKind != JsonValueKind.Undefined && JsonElement.DeepEquals(a.Element, b.Element);
}
