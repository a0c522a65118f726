using System.Text.RegularExpressions;
using MessagePack;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;
using Registry.Testing;

namespace Registry.Protocol.Tests;

/// <summary>docs/protocol.md is the reference: it must name every opcode and status with its value, and its examples must be what the code writes.</summary>
public sealed class ProtocolDocumentTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "protocol.md"));

    private static void AssertTableRow(int value, string name)
        => Assert.Matches(new Regex($@"^\| `{value}` \| `{Regex.Escape(name)}` \|", RegexOptions.Multiline), Document);

    [Fact]
    public void The_document_lists_every_opcode_with_its_value()
    {
        foreach (var opcode in Enum.GetValues<Opcode>())
        {
            AssertTableRow((int)opcode, Opcodes.GetName(opcode));
            Assert.Contains($"### {(int)opcode} {Opcodes.GetName(opcode)}", Document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_document_lists_every_status_with_its_value_and_whether_it_is_retryable()
    {
        foreach (var status in Enum.GetValues<StatusCode>())
        {
            var row = new Regex(
                $@"^\| `{(int)status}` \| `{ProtocolStatus.GetName(status)}` \| {(ProtocolStatus.IsRetryable(status) ? "yes" : "")} ?\|",
                RegexOptions.Multiline);
            Assert.Matches(row, Document);
        }
    }

    [Theory]
    [InlineData("00 00 00 05 93 07 02 91 2A")]
    [InlineData("00 00 00 0F 93 07 00 94 2A A4 4A 53 4F 4E C4 02 7B 7D 90")]
    [InlineData("00 00 00 12 93 08 08 95 2A C0 00 00 C4 08 7B 22 69 64 22 3A 31 7D")]
    [InlineData("00 00 00 09 93 08 00 95 2A 90 00 C2 90")]
    public void The_documented_example_frames_are_what_the_writers_produce(string hex)
    {
        using var frames = new FrameWriter();
        var produced = new[]
        {
            Frame(frames, (ref MessagePackWriter w) => Envelope.WriteRequest(ref w, 7, new GetSchemaByIdRequest(42))),
            Frame(frames, (ref MessagePackWriter w) =>
            {
                ResponseHeader.Write(ref w, 7, StatusCode.Ok);
                SchemaResponse.Write(ref w, 42, SchemaType.Json, "{}"u8, []);
            }),
            Frame(frames, (ref MessagePackWriter w) =>
            {
                RequestHeader.Write(ref w, 8, Opcode.Validate);
                ValidateRequest.WriteForSchemaId(ref w, 42, 0, """{"id":1}"""u8);
            }),
            Frame(frames, (ref MessagePackWriter w) =>
            {
                ResponseHeader.Write(ref w, 8, StatusCode.Ok);
                ValidateResponse.Write(ref w, 42, ValidationOutcome.Valid, false, [], []);
            }),
        };

        Assert.Contains(hex, Document, StringComparison.Ordinal);
        Assert.Contains(hex, produced);
    }

    private static string Frame(FrameWriter frames, PayloadWriter write)
    {
        var writer = frames.Start();
        write(ref writer);
        return Convert.ToHexString(frames.Finish(ref writer).Span).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => $"{a} {b}");
    }
}
