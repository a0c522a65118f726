using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Registry.Schemas.Output;
using Registry.Schemas.Tests.Validation;
using Registry.Schemas.Validation;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Output;

/// <summary>
/// A string whose closing quote is already in the data is checked at once (a member name looked up whole, an enum string
/// compared whole), and a string cut by a chunk boundary byte by byte: whatever the split, the violations must be the
/// same, at the same bytes, in the same words. Each case is fed whole, byte by byte, and split in two at every byte
/// (so that names, escapes and multi-byte characters are cut at each of their bytes).
/// </summary>
public sealed class StreamingChunkingTests
{
    private const string Ticket = """
        {
          "type": "object",
          "properties": {
            "title": { "type": "string", "maxLength": 10 },
            "status": { "enum": ["open", "closed", "on hold"] },
            "priority": { "type": "integer", "minimum": 1, "maximum": 5 },
            "tags": { "type": "array", "maxItems": 2, "items": { "type": "string" } },
            "kind": { "const": "ticket" },
            "näme": { "enum": ["Ólafur", "Óli", "日本"] }
          },
          "required": ["title", "status"],
          "additionalProperties": false
        }
        """;

    private static readonly CompiledSchema TicketSchema = TestSchemas.Compile(Ticket);

    /// <summary>Feeds the document in pieces cut at <paramref name="cuts"/> (ascending offsets).</summary>
    private static StreamingValidationSession Feed(CompiledSchema schema, byte[] document, params int[] cuts)
    {
        var session = new StreamingValidationSession(schema);
        var at = 0;
        foreach (var cut in cuts.Append(document.Length))
        {
            session.Feed(document.AsSpan(at, cut - at));
            at = cut;
        }

        return session;
    }

    private static StreamingValidationSession ByteByByte(CompiledSchema schema, byte[] document)
        => Feed(schema, document, [.. Enumerable.Range(1, Math.Max(0, document.Length - 1))]);

    /// <summary>Every field of a violation, so that two lists compare on offsets and words alike.</summary>
    private static string Describe(SchemaViolation v)
        => $"{v.ByteOffset} {v.InstanceLocation} {v.KeywordLocation} {v.Keyword} | {v.Expected} | {v.Received} | {v.Message} | {string.Join("; ", v.Details)}";

    private static List<string> Describe(StreamingValidationSession session) => [.. session.Violations.Select(Describe)];

    /// <summary>Asserts that every way of feeding the document gives the byte-by-byte violations; returns them.</summary>
    private static IReadOnlyList<SchemaViolation> SameForEverySplit(CompiledSchema schema, string document)
    {
        var bytes = Encoding.UTF8.GetBytes(document);
        var reference = ByteByByte(schema, bytes);
        var expected = Describe(reference);

        var whole = Feed(schema, bytes);
        Assert.Equal(expected, Describe(whole));
        Assert.Equal(reference.CanStillBeValid, whole.CanStillBeValid);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var split = Feed(schema, bytes, cut);
            Assert.Equal(expected, Describe(split));
            Assert.Equal(reference.CanStillBeValid, split.CanStillBeValid);
        }

        return reference.Violations;
    }

    private static int OffsetOf(string document, string marker, int skip = 0)
        => Encoding.UTF8.GetBytes(document).AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) + skip;

    [Theory]
    [InlineData("""{"title":"t","status":"open","priority":2,"tags":["a"],"kind":"ticket"}""")]
    [InlineData("""{"ti\u0074le":"t","st\u0061tus":"\u006fpen"}""")]
    [InlineData("""{"title":"\ud83d\ude00é日本","status":"on hold","näme":"Ólafur"}""")]
    [InlineData("""{"title":"éééééééééé","status":"closed","n\u00e4me":"\u65e5\u672c"}""")]
    [InlineData("""{"title":"\"\\\/\b\f\n\r\t","status":"open"}""")]
    public void A_valid_document_is_never_reported_however_it_is_split(string document)
    {
        var violations = SameForEverySplit(TicketSchema, document);

        Assert.Empty(violations);
        Assert.True(TicketSchema.Validate(Encoding.UTF8.GetBytes(document)).IsValid);
    }

    [Fact]
    public void A_refused_name_is_reported_at_the_first_byte_no_allowed_name_starts_with_however_it_is_split()
    {
        const string doc = """{"title":"t","tux":1,"status":"open"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("additionalProperties", v.Keyword);
        Assert.Equal(OffsetOf(doc, "tux", 1), v.ByteOffset);
        Assert.Contains("\"tux\"", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_that_only_begins_an_allowed_name_is_reported_at_its_closing_quote_however_it_is_split()
    {
        const string doc = """{"titl":"t","title":"t","status":"open"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("/titl", v.InstanceLocation);
        Assert.Equal(OffsetOf(doc, "titl\"", 4), v.ByteOffset);
        Assert.Contains("\"titl\"", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_name_written_with_an_escape_is_reported_at_the_escapes_last_byte_however_it_is_split()
    {
        const string doc = """{"title":"t","t\u0075x":1,"status":"open"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("additionalProperties", v.Keyword);
        Assert.Equal(OffsetOf(doc, "\\u0075", 5), v.ByteOffset);
    }

    [Fact]
    public void A_refused_non_ascii_name_is_reported_at_the_byte_where_it_departs_however_it_is_split()
    {
        // "nä" starts "näme"; the second byte of "ö" is the first that no allowed name has there (ä and ö share their first byte).
        const string doc = """{"title":"t","nöme":1,"status":"open"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("additionalProperties", v.Keyword);
        Assert.Equal(OffsetOf(doc, "nöme", 2), v.ByteOffset);
    }

    [Fact]
    public void An_enum_string_is_reported_at_the_first_byte_no_member_starts_with_however_it_is_split()
    {
        const string doc = """{"title":"t","status":"opex"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("enum", v.Keyword);
        Assert.Equal(OffsetOf(doc, "opex", 3), v.ByteOffset);
        Assert.Contains("\"opex\"", v.Received, StringComparison.Ordinal);
    }

    [Fact]
    public void An_enum_string_that_only_begins_a_member_is_reported_when_it_closes_however_it_is_split()
    {
        const string doc = """{"title":"t","status":"clos"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("enum", v.Keyword);
        Assert.Equal(OffsetOf(doc, "clos\"", 4), v.ByteOffset);
    }

    [Fact]
    public void A_non_ascii_enum_string_is_reported_at_the_byte_where_it_departs_however_it_is_split()
    {
        const string doc = """{"title":"t","status":"open","näme":"Ólafsdóttir"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("enum", v.Keyword);
        Assert.Equal(OffsetOf(doc, "Ólafs", 5), v.ByteOffset); // Ó is two bytes; "Ólaf" begins "Ólafur"
    }

    [Fact]
    public void An_enum_string_changed_by_an_escape_is_reported_at_the_escapes_last_byte_however_it_is_split()
    {
        const string doc = """{"title":"t","status":"op\u0065x"}""";

        var violations = SameForEverySplit(TicketSchema, doc);

        var v = Assert.Single(violations);
        Assert.Equal(OffsetOf(doc, "x\"", 0), v.ByteOffset);
    }

    [Fact]
    public void A_const_string_is_reported_at_the_first_differing_byte_however_it_is_split()
    {
        const string doc = """{"title":"t","status":"open","kind":"tickex"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("const", v.Keyword);
        Assert.Equal(OffsetOf(doc, "tickex", 5), v.ByteOffset);
    }

    [Fact]
    public void A_string_too_long_is_reported_at_the_first_character_past_the_limit_however_multi_byte_characters_are_split()
    {
        const string doc = """{"title":"ééééééééééé","status":"open"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("maxLength", v.Keyword);
        Assert.Equal(OffsetOf(doc, "é", 20), v.ByteOffset); // the eleventh é
    }

    [Fact]
    public void A_string_too_long_through_escapes_is_reported_however_it_is_split()
    {
        const string doc = """{"title":"abcdefghi\u00e9\u00e9","status":"open"}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("maxLength", v.Keyword);
        Assert.Equal(OffsetOf(doc, "\\u00e9\\u00e9", 11), v.ByteOffset); // the last byte of the second escape
    }

    [Fact]
    public void Required_names_are_counted_once_each_whether_fed_whole_or_split()
    {
        const string doc = """{"title":"a","title":"b"}""";

        var violations = SameForEverySplit(TicketSchema, doc);

        Assert.Equal(["duplicateKey", "required"], violations.Select(v => v.Keyword).ToArray());
        Assert.Contains("\"status\"", violations[1].Message, StringComparison.Ordinal);
        Assert.Equal(doc.Length - 1, violations[1].ByteOffset);
    }

    [Fact]
    public void A_missing_required_name_is_reported_at_the_closing_brace_however_it_is_split()
    {
        const string doc = """{"status":"open","priority":3}""";

        var v = Assert.Single(SameForEverySplit(TicketSchema, doc));

        Assert.Equal("required", v.Keyword);
        Assert.Contains("\"title\"", v.Message, StringComparison.Ordinal);
        Assert.Equal(doc.Length - 1, v.ByteOffset);
    }

    [Fact]
    public void An_object_with_no_allowed_names_refuses_any_name_at_its_opening_quote_however_it_is_split()
    {
        var schema = TestSchemas.Compile("""{"type":"object","additionalProperties":false}""");
        const string doc = """{"a":1}""";

        var v = Assert.Single(SameForEverySplit(schema, doc));

        Assert.Equal(1, v.ByteOffset);
    }

    [Property(Arbitrary = [typeof(JsonSamples)], MaxTest = 200)]
    public bool Whole_and_chunked_feeds_report_what_byte_by_byte_feeding_reports(JsonSample a, JsonSample b, PositiveInt chunk)
    {
        var schema = TestSchemas.Compile(a.Schema());
        var document = Encoding.UTF8.GetBytes(b.Json());
        var expected = Describe(ByteByByte(schema, document));

        var size = (chunk.Get % 64) + 1;
        var cuts = Enumerable.Range(1, document.Length / size).Select(i => i * size).Where(c => c < document.Length).ToArray();
        return expected.SequenceEqual(Describe(Feed(schema, document))) && expected.SequenceEqual(Describe(Feed(schema, document, cuts)));
    }

    [Property(MaxTest = 200)]
    public bool Random_schemas_report_the_same_whole_as_byte_by_byte(int seed, int other)
    {
        var (schemaText, _) = SchemaShapes.Create(seed);
        var (_, document) = SchemaShapes.Create(other);
        var schema = TestSchemas.Compile(schemaText);
        var own = Encoding.UTF8.GetBytes(SchemaShapes.Create(seed).Document(new Random(other)));
        var foreign = Encoding.UTF8.GetBytes(document(new Random(other)));

        return Describe(ByteByByte(schema, own)).SequenceEqual(Describe(Feed(schema, own)))
            && Describe(ByteByByte(schema, foreign)).SequenceEqual(Describe(Feed(schema, foreign)));
    }
}
