using System.Text;
using Registry.Schemas.Output;
using Registry.Schemas.Validation;
using TestSchemas = Registry.Schemas.Tests.Validation.Schemas;

namespace Registry.Schemas.Tests.Output;

public sealed class StreamingValidationTests
{
    private const string Ticket = """
        {
          "type": "object",
          "properties": {
            "title": { "type": "string", "maxLength": 10 },
            "status": { "enum": ["open", "closed", "on hold"] },
            "priority": { "type": "integer", "minimum": 1, "maximum": 5 },
            "tags": { "type": "array", "maxItems": 2, "items": { "type": "string" } },
            "meta": { "type": "object", "maxProperties": 1 },
            "kind": { "const": "ticket" }
          },
          "required": ["title", "status"],
          "additionalProperties": false
        }
        """;

    private static readonly CompiledSchema TicketSchema = TestSchemas.Compile(Ticket);

    /// <summary>Feeds one byte at a time; returns the session (not completed).</summary>
    internal static StreamingValidationSession ByteByByte(CompiledSchema schema, string document, StreamingOptions? options = null)
    {
        var session = new StreamingValidationSession(schema, options);
        foreach (var b in Encoding.UTF8.GetBytes(document))
        {
            session.Feed([b]);
        }

        return session;
    }

    /// <summary>The byte offset of the first occurrence of <paramref name="marker"/> in the UTF-8 of <paramref name="document"/>.</summary>
    private static int OffsetOf(string document, string marker, int skip = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(document);
        var m = Encoding.UTF8.GetBytes(marker);
        return bytes.AsSpan().IndexOf(m) + skip;
    }

    private static SchemaViolation Single(StreamingValidationSession session)
    {
        Assert.False(session.CanStillBeValid);
        return Assert.Single(session.Violations);
    }

    [Fact]
    public void Under_a_shape_changing_profile_a_null_for_an_optional_property_is_absent_at_completion_and_not_a_violation_while_streaming()
    {
        var mapper = Registry.Schemas.Profiles.ProfileOutputMapper.Create(Encoding.UTF8.GetBytes(Ticket), Registry.Schemas.Profiles.ProviderProfiles.OpenAiStrict, cancellationToken: TestContext.Current.CancellationToken);
        var options = new StreamingOptions { ProfileMapper = mapper };
        const string doc = """{"title":"Printer","status":"open","priority":null,"tags":null,"meta":null,"kind":null}""";

        var plain = ByteByByte(TicketSchema, doc);
        var mapped = ByteByByte(TicketSchema, doc, options);

        Assert.False(plain.CanStillBeValid);
        Assert.Equal("/priority", plain.Violations[0].InstanceLocation);
        Assert.True(mapped.CanStillBeValid);
        Assert.Empty(mapped.Violations);
        Assert.True(mapped.Complete().IsValid);
    }

    [Fact]
    public void Under_a_shape_changing_profile_the_original_schema_still_decides_at_completion()
    {
        var mapper = Registry.Schemas.Profiles.ProfileOutputMapper.Create(Encoding.UTF8.GetBytes(Ticket), Registry.Schemas.Profiles.ProviderProfiles.OpenAiStrict, cancellationToken: TestContext.Current.CancellationToken);
        var options = new StreamingOptions { ProfileMapper = mapper };

        // maxLength 10 and a null for a required property: both refused by the original schema once the document ends.
        var tooLong = ByteByByte(TicketSchema, """{"title":"A very long title","status":"open"}""", options);
        var requiredNull = ByteByByte(TicketSchema, """{"title":null,"status":"open"}""", options);
        var malformed = ByteByByte(TicketSchema, """{"title" "x"}""", options);

        Assert.True(tooLong.CanStillBeValid);
        var tooLongResult = tooLong.Complete();
        Assert.False(tooLongResult.IsValid);
        Assert.Contains(tooLongResult.Errors, e => e.InstanceLocation == "/title");
        Assert.False(requiredNull.Complete().IsValid);
        Assert.False(malformed.CanStillBeValid);
        Assert.Equal(ValidationOutcome.MalformedJson, malformed.Complete().Outcome);
    }

    [Fact]
    public void A_valid_document_fed_byte_by_byte_never_reports_a_violation()
    {
        const string doc = """{"title":"Printer","status":"on hold","priority":3,"tags":["hw","office"],"meta":{"floor":2},"kind":"ticket"}""";
        var session = new StreamingValidationSession(TicketSchema);
        foreach (var b in Encoding.UTF8.GetBytes(doc))
        {
            var result = session.Feed([b]);
            Assert.True(result.CanStillBeValid);
            Assert.Equal(0, result.NewViolations);
        }

        Assert.True(session.IsRootComplete);
        Assert.True(session.Complete().IsValid);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_reported_at_its_first_byte()
    {
        const string doc = """{"title":["x"],"status":"open"}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("type", v.Keyword);
        Assert.Equal("/title", v.InstanceLocation);
        Assert.Equal("/properties/title/type", v.KeywordLocation);
        Assert.Equal(OffsetOf(doc, "[\"x\"]"), v.ByteOffset);
        Assert.Equal("a string", v.Expected);
        Assert.Equal("an array", v.Received);
    }

    [Fact]
    public void An_enum_string_is_reported_at_the_first_byte_no_member_starts_with()
    {
        const string doc = """{"title":"t","status":"on fire"}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("enum", v.Keyword);
        Assert.Equal("/status", v.InstanceLocation);
        Assert.Equal(OffsetOf(doc, "fire"), v.ByteOffset); // "on " is a prefix of "on hold"; "on f" of nothing
        Assert.Contains("\"on hold\"", v.Expected, StringComparison.Ordinal);
        Assert.Equal("the string \"on fire\"", v.Received); // reworded with the whole string once it ended
    }

    [Fact]
    public void An_enum_string_that_is_a_proper_prefix_of_a_member_is_reported_at_its_closing_quote()
    {
        const string doc = """{"title":"t","status":"clos"}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("enum", v.Keyword);
        Assert.Equal(OffsetOf(doc, "clos\"", 4), v.ByteOffset);
    }

    [Fact]
    public void A_property_a_closed_object_does_not_allow_is_reported_at_the_first_byte_of_its_name_no_allowed_name_starts_with()
    {
        const string doc = """{"title":"t","tux":1,"status":"open"}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("additionalProperties", v.Keyword);
        Assert.Equal("/additionalProperties", v.KeywordLocation);
        Assert.Equal(OffsetOf(doc, "tux", 1), v.ByteOffset); // "t" starts "title" and "tags"; "tu" starts nothing
        Assert.Contains("\"tux\"", v.Message, StringComparison.Ordinal);
        Assert.Contains("\"priority\"", v.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void One_item_too_many_is_reported_at_the_comma_that_commits_it()
    {
        const string doc = """{"title":"t","status":"open","tags":["a","b","c"]}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("maxItems", v.Keyword);
        Assert.Equal("/tags", v.InstanceLocation);
        Assert.Equal(OffsetOf(doc, ",\"c\""), v.ByteOffset);
        Assert.Equal("at most 2 items", v.Expected);
    }

    [Fact]
    public void One_property_too_many_is_reported_at_the_comma_that_commits_it()
    {
        const string doc = """{"title":"t","status":"open","meta":{"a":1,"b":2}}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("maxProperties", v.Keyword);
        Assert.Equal("/meta", v.InstanceLocation);
        Assert.Equal(OffsetOf(doc, ",\"b\""), v.ByteOffset);
    }

    [Fact]
    public void A_string_longer_than_maxLength_is_reported_at_the_first_character_past_the_limit()
    {
        const string doc = """{"title":"0123456789X","status":"open"}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("maxLength", v.Keyword);
        Assert.Equal(OffsetOf(doc, "X"), v.ByteOffset);
    }

    [Fact]
    public void A_string_length_counts_code_points_through_escapes()
    {
        // Ten characters, three of them escaped, one outside the BMP: not too long.
        const string doc = """{"title":"\u00e9\u00e9\ud83d\ude00abcdefg","status":"open"}""";

        var session = ByteByByte(TicketSchema, doc);

        Assert.True(session.CanStillBeValid);
        Assert.True(session.Complete().IsValid);
    }

    [Fact]
    public void A_missing_required_property_is_reported_at_the_closing_brace()
    {
        const string doc = """{"title":"t"}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("required", v.Keyword);
        Assert.Equal("", v.InstanceLocation);
        Assert.Equal(doc.Length - 1, v.ByteOffset);
        Assert.Contains("\"status\"", v.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_is_judged_when_the_byte_after_it_arrives()
    {
        const string doc = """{"title":"t","status":"open","priority":9}""";
        var session = new StreamingValidationSession(TicketSchema);
        var bytes = Encoding.UTF8.GetBytes(doc);

        session.Feed(bytes.AsSpan(0, bytes.Length - 1)); // "9" could still become "9e-1"
        Assert.True(session.CanStillBeValid);
        session.Feed(bytes.AsSpan(bytes.Length - 1));

        var v = Single(session);
        Assert.Equal("maximum", v.Keyword);
        Assert.Equal(bytes.Length - 1, v.ByteOffset);
        Assert.Equal("the number 9", v.Received);
    }

    [Fact]
    public void An_integer_type_is_judged_when_the_number_is_complete()
    {
        const string doc = """{"title":"t","status":"open","priority":2.5}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("type", v.Keyword);
        Assert.Equal("an integer", v.Expected);
        Assert.Equal(OffsetOf(doc, "}"), v.ByteOffset);
    }

    [Fact]
    public void A_const_string_is_reported_at_the_first_differing_byte()
    {
        const string doc = """{"title":"t","status":"open","kind":"tickle"}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("const", v.Keyword);
        Assert.Equal(OffsetOf(doc, "tickle", 4), v.ByteOffset);
    }

    [Fact]
    public void A_duplicate_property_name_is_reported_at_its_closing_quote()
    {
        const string doc = """{"title":"t","status":"open","title":"u"}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("duplicateKey", v.Keyword);
        Assert.Equal(OffsetOf(doc, "\"title\":\"u\"", 6), v.ByteOffset);
    }

    [Fact]
    public void Duplicate_names_are_found_in_large_objects_too()
    {
        var schema = TestSchemas.Compile("{}");
        var members = string.Join(",", Enumerable.Range(0, 100).Select(i => $"\"k{i}\":{i}"));
        var doc = "{" + members + ",\"k57\":0}";

        var v = Single(ByteByByte(schema, doc));

        Assert.Equal("duplicateKey", v.Keyword);
        Assert.Equal("/k57", v.InstanceLocation);
    }

    [Fact]
    public void Malformed_json_is_reported_at_the_offending_byte_and_stops_the_stream()
    {
        const string doc = """{"title":"t" "status":"open"}""";

        var v = Single(ByteByByte(TicketSchema, doc));

        Assert.Equal("json", v.Keyword);
        Assert.Equal(OffsetOf(doc, "\"status\""), v.ByteOffset);
        Assert.Equal("',' or '}'", v.Expected);
    }

    [Theory]
    [InlineData("""{"a":01}""", 6)]
    [InlineData("""{"a":1.}""", 7)]
    [InlineData("""{"a":tru}""", 8)]
    [InlineData("""{"a":"x""", -1)]
    [InlineData("""{"a":"\x"}""", 6)]
    [InlineData("""{"a":"\uD800"}""", 6)]
    [InlineData("""{"a":1,}""", 7)]
    [InlineData("""[1 2]""", 3)]
    [InlineData("""{"a" 1}""", 5)]
    [InlineData("""{"a":1}x""", 7)]
    public void Every_kind_of_malformed_json_is_found_at_its_byte(string doc, int offset)
    {
        var session = ByteByByte(TestSchemas.Compile("{}"), doc);
        if (offset < 0)
        {
            Assert.True(session.CanStillBeValid); // "{"a":"x" can continue
            return;
        }

        var v = Single(session);
        Assert.Equal("json", v.Keyword);
        Assert.Equal(offset, v.ByteOffset);
    }

    [Fact]
    public void A_raw_control_character_inside_a_string_is_malformed()
    {
        var v = Single(ByteByByte(TestSchemas.Compile("{}"), "[\"a\nb\"]"));

        Assert.Equal("json", v.Keyword);
        Assert.Equal(3, v.ByteOffset);
    }

    [Fact]
    public void Items_past_a_closed_tuple_are_reported_when_committed()
    {
        var schema = TestSchemas.Compile("""{"prefixItems":[{"type":"integer"},{"type":"string"}],"items":false}""");
        const string doc = """[1,"a",true]""";

        var v = Single(ByteByByte(schema, doc));

        Assert.Equal("/2", v.InstanceLocation);
        Assert.Equal(OffsetOf(doc, ",true"), v.ByteOffset);
    }

    [Fact]
    public void A_false_schema_rejects_the_first_byte_of_any_document()
    {
        var session = ByteByByte(TestSchemas.Compile("false"), "{");

        Assert.Equal("false", Single(session).Keyword);
    }

    [Fact]
    public void Conditional_keywords_are_judged_only_once_the_value_is_complete()
    {
        var schema = TestSchemas.Compile("""{"properties":{"x":{"anyOf":[{"type":"string","maxLength":2},{"type":"integer"}]}}}""");
        var session = new StreamingValidationSession(schema);
        var bytes = Encoding.UTF8.GetBytes("""{"x":"abc"}""");

        session.Feed(bytes.AsSpan(0, bytes.Length - 2)); // the anyOf is not decomposed: it is judged when the string ends
        Assert.True(session.CanStillBeValid);
        session.Feed(bytes.AsSpan(bytes.Length - 2, 1));

        var v = Single(session);
        Assert.Equal("anyOf", v.Keyword);
        Assert.Equal("/x", v.InstanceLocation);
        Assert.NotEmpty(v.Details);
    }

    [Fact]
    public void Schemas_reached_through_refs_and_allOf_apply_as_the_value_streams()
    {
        var schema = TestSchemas.Compile("""
            {"$defs":{"id":{"type":"string","maxLength":3}},
             "allOf":[{"properties":{"a":{"$ref":"#/$defs/id"}}},{"properties":{"a":{"enum":["ab","abc"]}}}]}
            """);
        const string doc = """{"a":"abd"}""";

        var v = Single(ByteByByte(schema, doc));

        Assert.Equal("enum", v.Keyword);
        Assert.Equal(OffsetOf(doc, "abd", 2), v.ByteOffset);
    }

    [Fact]
    public void Pattern_properties_select_the_schema_of_a_member_by_its_name()
    {
        var schema = TestSchemas.Compile("""{"patternProperties":{"^n_":{"type":"number"}},"additionalProperties":{"type":"string"}}""");

        Assert.Equal("/n_a", Single(ByteByByte(schema, """{"n_a":"x"}""")).InstanceLocation);
        Assert.Equal("/b", Single(ByteByByte(schema, """{"b":1}""")).InstanceLocation);
        Assert.True(ByteByByte(schema, """{"n_a":1,"b":"x"}""").Complete().IsValid);
    }

    [Fact]
    public void Unevaluated_properties_are_judged_with_every_sibling_keyword_when_the_object_is_complete()
    {
        var schema = TestSchemas.Compile("""
            {"allOf":[{"properties":{"a":true}}],"anyOf":[{"properties":{"b":true}},{"required":["z"]}],"unevaluatedProperties":false}
            """);

        Assert.True(ByteByByte(schema, """{"a":1,"b":2}""").CanStillBeValid);
        var v = Single(ByteByByte(schema, """{"a":1,"c":2}"""));
        Assert.Equal("unevaluatedProperties", v.Keyword);
        Assert.Equal("/c", v.InstanceLocation);
    }

    [Fact]
    public void Dynamic_references_resolve_through_the_scope_the_validator_would_have()
    {
        // The 2020-12 "extensible tree" pattern: the strict tree overrides the dynamic anchor of the generic one.
        var schema = TestSchemas.Compile("""
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": "https://example.com/strict-tree",
              "$dynamicAnchor": "node",
              "$ref": "tree",
              "unevaluatedProperties": false,
              "$defs": {
                "tree": {
                  "$id": "tree",
                  "$dynamicAnchor": "node",
                  "type": "object",
                  "properties": { "data": true, "children": { "type": "array", "items": { "$dynamicRef": "#node" } } }
                }
              }
            }
            """);

        Assert.True(ByteByByte(schema, """{"children":[{"data":1}]}""").Complete().IsValid);
        var session = ByteByByte(schema, """{"children":[{"daat":1}]}""");
        Assert.False(session.CanStillBeValid);
        Assert.False(session.Complete().IsValid);
    }

    [Fact]
    public void Complete_returns_the_full_validators_verdict_and_flags_a_cut_off_document()
    {
        var session = ByteByByte(TicketSchema, """{"title":"t","status":"op""");

        var result = session.Complete();

        Assert.True(session.IsTruncated);
        Assert.Equal(ValidationOutcome.MalformedJson, result.Outcome);
        Assert.Equal("/status", result.Errors[0].InstanceLocation);
        Assert.Same(result, session.Complete());
        Assert.Throws<InvalidOperationException>(() => session.Feed("x"u8));
    }

    [Fact]
    public void A_number_at_the_end_of_the_stream_completes_with_the_stream()
    {
        var schema = TestSchemas.Compile("""{"type":"integer","maximum":10}""");
        var session = ByteByByte(schema, "12");

        Assert.True(session.CanStillBeValid);
        var result = session.Complete();

        Assert.Equal(ValidationOutcome.Invalid, result.Outcome);
        Assert.Equal("maximum", Assert.Single(session.Violations).Keyword);
    }

    [Fact]
    public void Surrounding_text_can_be_skipped_for_raw_model_streams()
    {
        var options = new StreamingOptions { SkipSurroundingText = true };

        var session = ByteByByte(TicketSchema, "Sure:\n```json\n{\"title\":\"t\",\"status\":\"open\"}\n```\nDone.", options);

        Assert.True(session.CanStillBeValid);
        Assert.True(session.Complete().IsValid);
    }

    [Fact]
    public void The_current_location_follows_the_value_being_written()
    {
        var session = ByteByByte(TicketSchema, """{"title":"t","tags":["a","b""");

        Assert.Equal("/tags/1", session.CurrentLocation);
    }

    [Fact]
    public void A_document_nested_past_the_depth_limit_is_refused()
    {
        var session = ByteByByte(TestSchemas.Compile("{}"), new string('[', 40), new StreamingOptions { MaxDepth = 32 });

        Assert.Equal("limit", Single(session).Keyword);
        Assert.Equal(ValidationOutcome.LimitExceeded, session.Complete().Outcome);
    }

    [Fact]
    public void A_document_over_the_size_limit_is_refused_without_buffering_it()
    {
        var session = new StreamingValidationSession(TestSchemas.Compile("{}"), new StreamingOptions { MaxDocumentBytes = 100 });

        session.Feed(Encoding.UTF8.GetBytes("[" + new string('1', 50)));
        var result = session.Feed(Encoding.UTF8.GetBytes(new string('1', 60)));

        Assert.False(result.CanStillBeValid);
        Assert.Equal("limit", session.Violations[0].Keyword);
    }

    [Fact]
    public void Every_split_of_a_document_into_two_chunks_gives_the_same_violations()
    {
        const string doc = """{"title":"\u00e9t\u00e9 \ud83d\ude00 long title","status":"on hold","tags":["a","b","c"],"kind":"ticket","x":1}""";
        var expected = ByteByByte(TicketSchema, doc).Violations.Select(v => (v.ByteOffset, v.KeywordLocation, v.InstanceLocation)).ToArray();
        Assert.NotEmpty(expected);
        var bytes = Encoding.UTF8.GetBytes(doc);

        for (var split = 0; split <= bytes.Length; split++)
        {
            var session = new StreamingValidationSession(TicketSchema);
            session.Feed(bytes.AsSpan(0, split));
            session.Feed(bytes.AsSpan(split));

            Assert.Equal(expected, session.Violations.Select(v => (v.ByteOffset, v.KeywordLocation, v.InstanceLocation)).ToArray());
        }
    }

    [Fact]
    public void Work_is_linear_in_the_document_size_when_fed_byte_by_byte()
    {
        // A long string fed one byte at a time: each byte is scanned once (no re-parse of the prefix).
        var schema = TestSchemas.Compile("""{"type":"array","items":{"type":"string","maxLength":1000000}}""");
        var doc = "[\"" + new string('x', 400_000) + "\"," + string.Join(",", Enumerable.Repeat("\"abc\\n\"", 20_000)) + "]";
        var bytes = Encoding.UTF8.GetBytes(doc);
        var session = new StreamingValidationSession(schema);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        foreach (var b in bytes)
        {
            session.Feed([b]);
        }

        Assert.True(session.Complete().IsValid);
        // Quadratic work would take minutes here; linear work takes well under a second. Generous bound.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }
}
