using Registry.Protocol.Messages;

namespace Registry.Protocol.Tests;

public sealed class StatusAndOpcodeTests
{
    [Fact]
    public void Every_status_has_its_own_name_and_fits_in_one_messagepack_byte()
    {
        var statuses = Enum.GetValues<StatusCode>();
        var names = statuses.Select(ProtocolStatus.GetName).ToList();

        Assert.DoesNotContain("UNKNOWN", names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(statuses, s => Assert.InRange((int)s, 0, 127));
    }

    [Fact]
    public void Only_transient_failures_are_retryable()
    {
        var retryable = Enum.GetValues<StatusCode>().Where(ProtocolStatus.IsRetryable).ToHashSet();

        Assert.Equal(
            new HashSet<StatusCode> { StatusCode.RateLimited, StatusCode.Unavailable, StatusCode.Overloaded, StatusCode.TooManyConnections, StatusCode.Timeout, StatusCode.ShuttingDown },
            retryable);
    }

    [Fact]
    public void Every_opcode_has_its_own_name_and_only_state_changes_are_barriers()
    {
        var opcodes = Enum.GetValues<Opcode>();

        Assert.All(opcodes, o => Assert.True(Opcodes.IsDefined(o)));
        Assert.Equal(opcodes.Length, opcodes.Select(Opcodes.GetName).Distinct().Count());
        Assert.False(Opcodes.IsDefined(Opcodes.Last + 1));
        Assert.Equal(
            [Opcode.Hello, Opcode.Register, Opcode.UpdateVersion, Opcode.Delete, Opcode.SetConfig, Opcode.ToolSet],
            opcodes.Where(Opcodes.IsBarrier));
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 5, 3)]
    [InlineData(0, 1, 1)]
    [InlineData(2, 2, 2)]
    [InlineData(1, 2, 2)]
    [InlineData(3, 5, 3)]
    [InlineData(4, 5, null)]
    public void Version_negotiation_picks_the_highest_common_version(int min, int max, int? expected)
    {
        Assert.Equal(expected, ProtocolVersions.Negotiate(min, max));
    }

    [Fact]
    public void Schema_types_are_spelled_as_confluent_spells_them()
    {
        Assert.Equal("JSON", SchemaTypes.GetName(SchemaType.Json));
        Assert.Equal("AVRO", SchemaTypes.GetName(SchemaType.Avro));
        Assert.Equal("PROTOBUF", SchemaTypes.GetName(SchemaType.Protobuf));
    }
}
