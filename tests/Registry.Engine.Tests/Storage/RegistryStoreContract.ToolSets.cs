using Registry.Engine.Model;
using Registry.Engine.Storage;

namespace Registry.Engine.Tests.Storage;

/// <summary>What every store that keeps tool sets (<see cref="IToolSetStore"/>, migration 6) must do: SQLite and PostgreSQL alike.</summary>
public abstract partial class RegistryStoreContract
{
    private static readonly DateTimeOffset T2 = new(2026, 3, 4, 5, 6, 7, 891, TimeSpan.Zero);

    private IToolSetStore ToolSets => Assert.IsAssignableFrom<IToolSetStore>(Store);

    private static ToolSetRecord Set(string name, string? by, params ToolSetMember[] tools) => new(name, tools, T2, by);

    [Fact]
    public async Task A_tool_set_is_created_then_replaced_whole_and_read_back_member_by_member()
    {
        var first = Set("assistant.support", "ana",
            new ToolSetMember("tools.weather", "latest", "get_weather", "Weather for a city ✓ «now»", Strict: true),
            new ToolSetMember("tools.search", "@production", "search", null, Strict: false),
            new ToolSetMember("tools.calc", "3", "calc", "", Strict: true));
        var second = Set("assistant.support", null, new ToolSetMember("tools.calc", "4", "calculator", "Adds \"numbers\"\n", Strict: false)) with
        {
            UpdatedAt = T2.AddMinutes(1),
        };

        Assert.True(await ToolSets.PutToolSetAsync(first, Ct));
        var read = await ToolSets.GetToolSetAsync("assistant.support", Ct);
        Assert.False(await ToolSets.PutToolSetAsync(second, Ct));
        var replaced = await ToolSets.GetToolSetAsync("assistant.support", Ct);

        Assert.NotNull(read);
        Assert.Equal(("assistant.support", T2, "ana"), (read.Name, read.UpdatedAt, read.UpdatedBy));
        Assert.Equal(first.Tools, read.Tools);
        Assert.NotNull(replaced);
        Assert.Equal((T2.AddMinutes(1), (string?)null), (replaced.UpdatedAt, replaced.UpdatedBy));
        Assert.Equal(second.Tools, replaced.Tools);
    }

    [Fact]
    public async Task Tool_set_names_are_listed_in_ordinal_order_and_are_case_sensitive()
    {
        string[] names = ["b", "a_b", "B", "a.b", "a-b", "a", "A"];
        foreach (var name in names)
        {
            Assert.True(await ToolSets.PutToolSetAsync(Set(name, null, new ToolSetMember("s", "1", "t", null, true)), Ct));
        }

        var listed = await ToolSets.ListToolSetsAsync(Ct);

        Assert.Equal(names.Order(StringComparer.Ordinal), listed);
        Assert.Null(await ToolSets.GetToolSetAsync("C", Ct));
        Assert.Equal("B", (await ToolSets.GetToolSetAsync("B", Ct))!.Name);
    }

    [Fact]
    public async Task Deleting_a_tool_set_removes_it_once_and_leaves_the_others()
    {
        Assert.Empty(await ToolSets.ListToolSetsAsync(Ct));
        await ToolSets.PutToolSetAsync(Set("one", null, new ToolSetMember("s", "1", "t", null, true)), Ct);
        await ToolSets.PutToolSetAsync(Set("two", null, new ToolSetMember("s", "2", "t", null, true)), Ct);

        Assert.True(await ToolSets.DeleteToolSetAsync("one", Ct));
        Assert.False(await ToolSets.DeleteToolSetAsync("one", Ct));
        Assert.False(await ToolSets.DeleteToolSetAsync("never", Ct));

        Assert.Null(await ToolSets.GetToolSetAsync("one", Ct));
        Assert.Equal(["two"], await ToolSets.ListToolSetsAsync(Ct));
        Assert.True(await ToolSets.PutToolSetAsync(Set("one", null, new ToolSetMember("s", "3", "t", null, true)), Ct));
    }

    [Fact]
    public async Task A_tool_set_written_by_one_store_instance_is_read_by_another_on_the_same_data()
    {
        await using var second = await OpenSecondStoreAsync();
        var set = Set("shared", "ci", new ToolSetMember("tools.weather", "2", "get_weather", "Weather", true));

        Assert.True(await ToolSets.PutToolSetAsync(set, Ct));
        var seen = await Assert.IsAssignableFrom<IToolSetStore>(second).GetToolSetAsync("shared", Ct);
        Assert.True(await Assert.IsAssignableFrom<IToolSetStore>(second).DeleteToolSetAsync("shared", Ct));

        Assert.NotNull(seen);
        Assert.Equal(set.Tools, seen.Tools);
        Assert.Null(await ToolSets.GetToolSetAsync("shared", Ct));
    }

    [Fact]
    public async Task A_set_of_the_most_tools_with_the_longest_texts_is_kept_whole()
    {
        var longText = new string('é', ToolSetRules.MaxTextLength);
        var tools = Enumerable.Range(0, ToolSetRules.MaxTools)
            .Select(i => new ToolSetMember($"tools.s{i}", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), $"tool_{i}", i == 0 ? longText : null, i % 2 == 0))
            .ToArray();
        var name = new string('n', ToolSetRules.MaxNameLength);

        Assert.True(await ToolSets.PutToolSetAsync(Set(name, "ci@deploy", tools), Ct));
        var read = await ToolSets.GetToolSetAsync(name, Ct);

        Assert.NotNull(read);
        Assert.Equal(tools, read.Tools);
        Assert.Equal("ci@deploy", read.UpdatedBy);
    }
}
