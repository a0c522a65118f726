using Registry.Engine.Model;
using Registry.Engine.Storage;

namespace Registry.Engine.Services;

/// <summary>
/// Subjects found by their versions' metadata: a tag, an owner, free text in the subject's name or a version's
/// description. Done over the store's ordinary listing (name order, prefix and deletion filters) and each subject's
/// facts, which the tiered store keeps in memory: no store query of its own, at the cost of reading every subject
/// the prefix admits until the page is full.
/// </summary>
internal sealed class SubjectSearchService(RegistryContext context)
{
    public async Task<IReadOnlyList<string>> SearchAsync(SubjectSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        var max = context.Options.MaxListLimit;
        var wanted = search.Limit == -1 ? max : Math.Min(search.Limit, max);
        var found = new List<string>();
        var skipped = 0;
        var position = 0;
        while (found.Count < wanted)
        {
            var page = await context.Store.ListSubjectsAsync(new SubjectQuery(search.Prefix, search.Deleted, position, max), cancellationToken).ConfigureAwait(false);
            foreach (var name in page)
            {
                var snapshot = await context.Store.GetSubjectAsync(name, cancellationToken).ConfigureAwait(false);
                if (snapshot is null || !Matches(snapshot, search))
                {
                    continue;
                }

                if (skipped < search.Offset)
                {
                    skipped++;
                    continue;
                }

                found.Add(name);
                if (found.Count == wanted)
                {
                    break;
                }
            }

            if (page.Count < max)
            {
                break;
            }

            position += page.Count;
        }

        return found;
    }

    /// <summary>
    /// True when one version the deletion filter admits satisfies every filter given: it carries the tag, has the
    /// owner, and its description holds the text (or the subject's name does). Comparisons ignore case.
    /// </summary>
    internal static bool Matches(SubjectSnapshot snapshot, SubjectSearch search)
    {
        var nameHasText = search.Text is { } text && snapshot.Subject.Contains(text, StringComparison.OrdinalIgnoreCase);
        foreach (var version in snapshot.Versions)
        {
            var admitted = search.Deleted switch
            {
                DeletedFilter.Exclude => !version.IsDeleted,
                DeletedFilter.Only => version.IsDeleted,
                _ => true,
            };
            if (!admitted)
            {
                continue;
            }

            var metadata = version.Metadata;
            if (search.Tag is { } tag && !HasTag(metadata, tag))
            {
                continue;
            }

            if (search.Owner is { } owner && !string.Equals(metadata.Owner, owner, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (search.Text is { } words && !nameHasText && metadata.Description?.Contains(words, StringComparison.OrdinalIgnoreCase) != true)
            {
                continue;
            }

            return true;
        }

        return false;
    }

    private static bool HasTag(VersionMetadata metadata, string tag)
    {
        foreach (var candidate in metadata.Tags)
        {
            if (string.Equals(candidate, tag, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
