using System.Buffers;
using System.Text;
using MessagePack;
using Registry.Protocol.Framing;
using Registry.Protocol.Messages;

namespace Registry.Benchmarks.Protocol;

/// <summary>Payloads shared by the protocol benchmarks: a realistic tool-definition schema and an LLM tool-call document.</summary>
internal static class ProtocolSamples
{
    /// <summary>About 1 KiB: a function-calling tool definition.</summary>
    public static readonly byte[] Schema = Encoding.UTF8.GetBytes(
        """
        {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://schemas.example.com/tools/search_flights.json",
        "title":"search_flights","description":"Search for flights between two airports on a date, with optional filters.",
        "type":"object","additionalProperties":false,"required":["origin","destination","date"],
        "properties":{"origin":{"type":"string","pattern":"^[A-Z]{3}$","description":"IATA code of the departure airport"},
        "destination":{"type":"string","pattern":"^[A-Z]{3}$","description":"IATA code of the arrival airport"},
        "date":{"type":"string","format":"date"},"return_date":{"type":"string","format":"date"},
        "passengers":{"type":"integer","minimum":1,"maximum":9,"default":1},
        "cabin":{"enum":["economy","premium_economy","business","first"]},
        "max_stops":{"type":"integer","minimum":0,"maximum":3},
        "airlines":{"type":"array","items":{"type":"string","pattern":"^[A-Z0-9]{2}$"},"uniqueItems":true,"maxItems":10},
        "max_price":{"type":"object","required":["amount","currency"],"properties":{"amount":{"type":"number","exclusiveMinimum":0},"currency":{"type":"string","pattern":"^[A-Z]{3}$"}}}}}
        """);

    /// <summary>About 300 bytes: arguments of a tool call to validate.</summary>
    public static readonly byte[] Document = Encoding.UTF8.GetBytes(
        """{"origin":"CDG","destination":"SFO","date":"2026-07-14","return_date":"2026-07-28","passengers":2,"cabin":"business","max_stops":1,"airlines":["AF","UA","DL"],"max_price":{"amount":4200.5,"currency":"EUR"}}""");

    public static readonly DocumentError[] Errors =
    [
        new("/origin", "/properties/origin/pattern", "\"cdg\" does not match \"^[A-Z]{3}$\""),
        new("/passengers", "/properties/passengers/maximum", "12 is greater than the maximum of 9"),
        new("", "/additionalProperties", "property \"seat\" is not allowed"),
    ];

    public static readonly ValidationWarning[] Warnings = [new(ValidationWarningKind.Deprecated, "tools.search_flights v3 is deprecated: use v4.")];

    public delegate void Write(ref MessagePackWriter writer);

    /// <summary>A whole frame (header and payload) as the transport would carry it.</summary>
    public static byte[] Frame(Write write)
    {
        using var frames = new FrameWriter();
        var writer = frames.Start();
        write(ref writer);
        return frames.Finish(ref writer).ToArray();
    }

    /// <summary>The payload of a frame, split in two segments in the middle, as a pipe may deliver it.</summary>
    public static ReadOnlySequence<byte> SplitPayload(byte[] frame)
    {
        var payload = frame.AsMemory(Registry.Protocol.Framing.Frame.HeaderLength);
        var half = payload.Length / 2;
        var first = new Segment(payload[..half], 0);
        var last = new Segment(payload[half..], half);
        first.SetNext(last);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }
}
