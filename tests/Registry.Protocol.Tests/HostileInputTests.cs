using System.Buffers;
using MessagePack;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Tests;

public sealed class HostileInputTests
{
    private static byte[] Request(Opcode opcode, PayloadWriter body) => MessageCatalog.Encode((ref MessagePackWriter w) =>
    {
        RequestHeader.Write(ref w, 1, opcode);
        body(ref w);
    });

    private static ProtocolException Refused(byte[] payload)
        => Assert.Throws<ProtocolException>(() => Decoders.DecodeRequest(new ReadOnlySequence<byte>(payload)));

    private static void Raw(ref MessagePackWriter writer, params byte[] bytes) => writer.WriteRaw(bytes);

    private static byte[] Register(string subject = "s", string schemaType = "JSON", PayloadWriter? metadata = null, PayloadWriter? references = null, int? state = null, int? importVersion = null)
        => Request(Opcode.Register, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(9);
            w.Write(subject);
            w.Write(schemaType);
            w.Write("{}"u8);
            if (references is null)
            {
                w.WriteArrayHeader(0);
            }
            else
            {
                references(ref w);
            }

            w.WriteNil();
            if (metadata is null)
            {
                w.WriteNil();
            }
            else
            {
                metadata(ref w);
            }

            w.WriteNullable(state);
            w.WriteNil();
            w.WriteNullable(importVersion);
        });

    private static byte[] GetVersion(PayloadWriter subject, int version = 1) => Request(Opcode.GetVersion, (ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(3);
        subject(ref w);
        w.Write(version);
        w.Write(false);
    });

    private static byte[] GetVersion(string subject, int version = 1) => GetVersion((ref MessagePackWriter w) => w.Write(subject), version);

    [Fact]
    public void An_envelope_claiming_four_billion_elements_is_too_large_before_anything_is_allocated()
    {
        var error = Refused([0xDD, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);

        Assert.Equal(StatusCode.TooLarge, error.Status);
    }

    [Fact]
    public void A_list_claiming_more_elements_than_bytes_remain_is_malformed()
    {
        var payload = Register(references: (ref MessagePackWriter w) => Raw(ref w, 0xDD, 0x00, 0x00, 0x03, 0xE8));

        Assert.Equal(StatusCode.MalformedFrame, Refused(payload).Status);
    }

    [Fact]
    public void A_list_above_its_limit_is_too_large()
    {
        var payload = Register(references: (ref MessagePackWriter w) => w.WriteArrayHeader(ProtocolLimits.MaxReferences + 1));

        Assert.Equal(StatusCode.TooLarge, Refused(payload).Status);
    }

    [Fact]
    public void A_string_claiming_four_gigabytes_is_refused()
    {
        var subject = GetVersion((ref MessagePackWriter w) => Raw(ref w, 0xDB, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'a'));
        var description = Register(metadata: (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            Raw(ref w, 0xDB, 0xFF, 0xFF, 0xFF, 0xFF, (byte)'a');
        });

        Assert.Equal(StatusCode.MalformedFrame, Refused(subject).Status);
        Assert.Equal(StatusCode.TooLarge, Refused(description).Status);
    }

    [Fact]
    public void A_document_claiming_more_bytes_than_the_frame_holds_is_malformed()
    {
        var payload = Request(Opcode.Validate, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            ValidationTarget.WriteSchemaId(ref w, 1);
            w.Write(0);
            Raw(ref w, 0xC6, 0x7F, 0xFF, 0xFF, 0xFF, (byte)'{');
        });

        Assert.Equal(StatusCode.MalformedFrame, Refused(payload).Status);
    }

    [Fact]
    public void A_map_claiming_billions_of_properties_is_too_large()
    {
        var payload = Register(metadata: (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            w.WriteNil();
            w.WriteNil();
            w.WriteArrayHeader(0);
            Raw(ref w, 0xDF, 0x7F, 0xFF, 0xFF, 0xFF);
        });

        Assert.Equal(StatusCode.TooLarge, Refused(payload).Status);
    }

    [Fact]
    public void Deep_nesting_in_an_unknown_field_is_refused_without_exhausting_the_stack()
    {
        var payload = Request(Opcode.GetSchemaById, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(7);
            for (var i = 0; i < 200_000; i++)
            {
                w.WriteArrayHeader(1);
            }

            w.WriteNil();
        });

        Assert.Equal(StatusCode.MalformedFrame, Refused(payload).Status);
    }

    [Fact]
    public void Unknown_trailing_fields_of_any_type_are_skipped_for_forward_compatibility()
    {
        var payload = Request(Opcode.GetSchemaById, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(9);
            w.Write(7);
            w.Write("a later field");
            w.Write(new byte[300]);
            w.Write(3.5);
            w.WriteMapHeader(1);
            w.Write("k");
            w.WriteArrayHeader(2);
            w.Write(long.MinValue);
            w.Write(ulong.MaxValue);
            w.WriteExtensionFormat(new ExtensionResult(5, new byte[] { 1, 2, 3, 4 }));
            w.WriteExtensionFormat(new ExtensionResult(-1, new byte[70_000]));
            for (var i = 0; i < ProtocolLimits.MaxSkipDepth; i++)
            {
                w.WriteArrayHeader(1);
            }

            w.WriteNil();
            w.Write(true);
        });
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(payload));
        RequestHeader.Read(ref reader);

        Assert.Equal(7, GetSchemaByIdRequest.Read(ref reader).SchemaId);
    }

    [Fact]
    public void An_unused_type_code_is_malformed()
    {
        var payload = Request(Opcode.GetSchemaById, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(7);
            Raw(ref w, 0xC1);
        });

        Assert.Equal(StatusCode.MalformedFrame, Refused(payload).Status);
    }

    [Theory]
    [InlineData(new byte[] { 0xA2, (byte)'4', (byte)'2' })]
    [InlineData(new byte[] { 0xCB, 0x40, 0x45, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0xC3 })]
    [InlineData(new byte[] { 0xC0 })]
    [InlineData(new byte[] { 0x90 })]
    public void A_value_of_the_wrong_type_is_malformed(byte[] schemaId)
    {
        var payload = Request(Opcode.GetSchemaById, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(1);
            w.WriteRaw(schemaId);
        });

        Assert.Equal(StatusCode.MalformedFrame, Refused(payload).Status);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(1L + int.MaxValue)]
    public void A_schema_id_out_of_range_is_a_bad_request(long schemaId)
    {
        var payload = Request(Opcode.GetSchemaById, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(1);
            w.Write(schemaId);
        });

        Assert.Equal(StatusCode.BadRequest, Refused(payload).Status);
    }

    [Fact]
    public void The_largest_unsigned_integer_is_a_bad_request_not_an_overflow()
    {
        var payload = Request(Opcode.GetSchemaById, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(1);
            w.Write(ulong.MaxValue);
        });

        Assert.Equal(StatusCode.BadRequest, Refused(payload).Status);
    }

    [Fact]
    public void A_negative_request_id_is_a_bad_request()
    {
        var payload = MessageCatalog.Encode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(3);
            w.Write(-1);
            w.Write(0);
            w.WriteNil();
        });

        Assert.Equal(StatusCode.BadRequest, Refused(payload).Status);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void An_envelope_of_other_than_three_elements_is_malformed(int count)
    {
        var payload = MessageCatalog.Encode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(count);
            for (var i = 0; i < count; i++)
            {
                w.WriteNil();
            }
        });

        Assert.Equal(StatusCode.MalformedFrame, Refused(payload).Status);
    }

    [Fact]
    public void Bytes_after_the_message_are_malformed()
    {
        var payload = MessageCatalog.Get("GET_SCHEMA_BY_ID").Payload.Append((byte)0xC0).ToArray();

        Assert.Equal(StatusCode.MalformedFrame, Refused(payload).Status);
    }

    [Fact]
    public void A_body_missing_a_field_is_malformed()
    {
        var payload = Request(Opcode.GetVersion, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write("orders");
            w.Write(1);
        });

        Assert.Equal(StatusCode.MalformedFrame, Refused(payload).Status);
    }

    [Fact]
    public void Invalid_utf8_is_malformed_even_when_split_across_segments()
    {
        var subject = GetVersion((ref MessagePackWriter w) => w.WriteString([(byte)'a', 0xC3, 0x28, (byte)'b']));
        var owner = Register(metadata: (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            w.WriteNil();
            w.WriteString([(byte)'o', 0xE2, 0x82]);
            w.WriteArrayHeader(0);
            w.WriteMapHeader(0);
        });

        Assert.Equal(StatusCode.MalformedFrame, Refused(subject).Status);
        Assert.Equal(StatusCode.MalformedFrame, Refused(owner).Status);
        for (var split = 1; split < owner.Length; split++)
        {
            var error = Assert.Throws<ProtocolException>(() => Decoders.DecodeRequest(Segments.Split(owner, split)));
            Assert.Equal(StatusCode.MalformedFrame, error.Status);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData("del\u007F")]
    [InlineData("c1\u0085")]
    public void A_subject_breaking_the_subject_rules_is_a_bad_request(string subject)
    {
        Assert.Equal(StatusCode.BadRequest, Refused(GetVersion(subject)).Status);
    }

    [Fact]
    public void A_subject_of_255_characters_is_accepted_and_256_is_refused()
    {
        Assert.Equal(Opcode.GetVersion, Decoders.DecodeRequest(new ReadOnlySequence<byte>(GetVersion(new string('a', 255)))));
        Assert.Equal(Opcode.GetVersion, Decoders.DecodeRequest(new ReadOnlySequence<byte>(GetVersion(new string('€', 255)))));
        Assert.Equal(StatusCode.BadRequest, Refused(GetVersion(new string('a', 256))).Status);
        Assert.Equal(StatusCode.BadRequest, Refused(GetVersion(string.Concat(Enumerable.Repeat("🚀", 128)))).Status);
        Assert.Equal(StatusCode.BadRequest, Refused(GetVersion(new string('a', 100_000))).Status);
    }

    [Fact]
    public void A_subject_split_across_segments_is_checked_the_same()
    {
        var payload = GetVersion(new string('€', 255));
        for (var split = 1; split < payload.Length; split++)
        {
            Assert.Equal(Opcode.GetVersion, Decoders.DecodeRequest(Segments.Split(payload, split)));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public void A_version_that_is_neither_a_number_from_one_nor_latest_is_a_bad_request(int version)
    {
        Assert.Equal(StatusCode.BadRequest, Refused(GetVersion("orders", version)).Status);
        Assert.Equal(StatusCode.BadRequest, Refused(Register(importVersion: version)).Status);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(-1)]
    [InlineData(1000)]
    public void An_unknown_enum_value_is_a_bad_request(int state)
    {
        Assert.Equal(StatusCode.BadRequest, Refused(Register(state: state)).Status);
    }

    [Theory]
    [InlineData("XML")]
    [InlineData("json")]
    [InlineData("JSONSCHEMA-TOO-LONG-NAME")]
    public void An_unknown_schema_type_is_refused(string schemaType)
    {
        var error = Refused(Register(schemaType: schemaType));

        Assert.NotEqual(StatusCode.Ok, error.Status);
        Assert.Contains("schemaType", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_against_both_or_neither_target_is_a_bad_request()
    {
        var neither = Request(Opcode.Validate, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.WriteNil();
            w.WriteNil();
            w.Write(1);
            w.Write(0);
            w.Write("{}"u8);
        });
        var both = Request(Opcode.Validate, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(3);
            w.Write("orders");
            w.Write(1);
            w.Write(0);
            w.Write("{}"u8);
        });

        Assert.Equal(StatusCode.BadRequest, Refused(neither).Status);
        Assert.Equal(StatusCode.BadRequest, Refused(both).Status);
    }

    [Fact]
    public void A_property_key_given_twice_is_a_bad_request()
    {
        var payload = Register(metadata: (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            w.WriteNil();
            w.WriteNil();
            w.WriteArrayHeader(0);
            w.WriteMapHeader(2);
            w.Write("k");
            w.Write("1");
            w.Write("k");
            w.Write("2");
        });

        Assert.Equal(StatusCode.BadRequest, Refused(payload).Status);
    }

    [Fact]
    public void More_errors_asked_for_than_the_limit_are_capped()
    {
        var payload = Request(Opcode.Validate, (ref MessagePackWriter w) => ValidateRequest.WriteForSchemaId(ref w, 1, int.MaxValue, "{}"u8));
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(payload));
        RequestHeader.Read(ref reader);

        Assert.Equal(ProtocolLimits.MaxErrorsPerDocument, ValidateRequest.Read(ref reader).MaxErrors);
    }

    [Fact]
    public void An_undefined_opcode_still_yields_the_request_id()
    {
        var payload = MessageCatalog.Encode((ref MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, 77, (Opcode)999);
            w.WriteNil();
        });
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(payload));

        var header = RequestHeader.Read(ref reader);

        Assert.Equal(77u, header.RequestId);
        Assert.False(Opcodes.IsDefined(header.Opcode));
    }

    [Fact]
    public void A_request_id_of_0_is_refused_as_reserved_for_connection_errors()
    {
        var payload = MessageCatalog.Encode((ref MessagePackWriter w) => Envelope.WriteRequest(ref w, 0, default(PingRequest)));

        var e = Assert.Throws<ProtocolException>(() =>
        {
            var reader = new ProtocolReader(new ReadOnlySequence<byte>(payload));
            RequestHeader.Read(ref reader);
        });

        Assert.Equal(StatusCode.MalformedFrame, e.Status);
        Assert.Contains("reserved", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_traceparent_in_the_envelope_is_refused_under_version_1_and_read_from_version_2()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var payload = MessageCatalog.Encode((ref MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, 9, Opcode.Ping, traceParent);
            w.WriteNil();
        });

        var e = Assert.Throws<ProtocolException>(() =>
        {
            var reader = new ProtocolReader(new ReadOnlySequence<byte>(payload));
            RequestHeader.Read(ref reader, protocolVersion: 1);
        });
        Assert.Equal(StatusCode.MalformedFrame, e.Status);
        Assert.Contains("exactly 3", e.Message, StringComparison.Ordinal);

        var v2 = new ProtocolReader(new ReadOnlySequence<byte>(payload));
        Assert.Equal(new RequestHeader(9, Opcode.Ping, traceParent), RequestHeader.Read(ref v2, RequestHeader.TraceContextVersion));
        EmptyBody.Read(ref v2, "PING");

        // Version 2 still reads the three-element envelope, without a trace context.
        var plain = MessageCatalog.Encode((ref MessagePackWriter w) => Envelope.WriteRequest(ref w, 10, default(PingRequest)));
        var reader3 = new ProtocolReader(new ReadOnlySequence<byte>(plain));
        Assert.Equal(new RequestHeader(10, Opcode.Ping), RequestHeader.Read(ref reader3, RequestHeader.TraceContextVersion));
    }

    [Fact]
    public void An_envelope_of_five_elements_or_an_oversized_traceparent_is_refused_under_version_2()
    {
        var five = MessageCatalog.Encode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(1u);
            w.Write((int)Opcode.Ping);
            w.WriteNil();
            w.WriteNil();
            w.WriteNil();
        });
        var e = Assert.Throws<ProtocolException>(() =>
        {
            var reader = new ProtocolReader(new ReadOnlySequence<byte>(five));
            RequestHeader.Read(ref reader, RequestHeader.TraceContextVersion);
        });
        Assert.Equal(StatusCode.MalformedFrame, e.Status);
        Assert.Contains("traceparent", e.Message, StringComparison.Ordinal);

        var huge = MessageCatalog.Encode((ref MessagePackWriter w) =>
        {
            RequestHeader.Write(ref w, 1, Opcode.Ping, new string('0', RequestHeader.MaxTraceParentBytes + 1));
            w.WriteNil();
        });
        Assert.Throws<ProtocolException>(() =>
        {
            var reader = new ProtocolReader(new ReadOnlySequence<byte>(huge));
            RequestHeader.Read(ref reader, RequestHeader.TraceContextVersion);
        });
    }

    [Fact]
    public void An_undefined_status_is_kept_for_the_client_to_treat_as_an_error()
    {
        var payload = MessageCatalog.Encode((ref MessagePackWriter w) => Envelope.WriteError(ref w, 5, (StatusCode)77, "new reason"));

        Assert.Equal((StatusCode)77, Decoders.DecodeResponse(new ReadOnlySequence<byte>(payload), Opcode.Register));
    }

    [Fact]
    public void A_timestamp_outside_the_calendar_is_a_bad_request()
    {
        var payload = MessageCatalog.Encode((ref MessagePackWriter w) =>
        {
            ResponseHeader.Write(ref w, 1, StatusCode.Ok);
            w.WriteArrayHeader(10);
            w.Write("s");
            w.Write(1);
            w.Write(1);
            w.Write(1);
            w.WriteNil();
            VersionMetadata.Empty.Write(ref w);
            w.WriteNil();
            w.Write(long.MaxValue);
            w.WriteNil();
            w.Write(false);
        });

        var error = Assert.Throws<ProtocolException>(() => Decoders.DecodeResponse(new ReadOnlySequence<byte>(payload), Opcode.UpdateVersion));
        Assert.Equal(StatusCode.BadRequest, error.Status);
    }

    [Fact]
    public void A_secret_sent_as_a_string_is_malformed()
    {
        var payload = Request(Opcode.Hello, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            w.Write(1);
            w.Write(1);
            w.WriteNil();
            w.WriteArrayHeader(2);
            w.Write("bearer");
            w.Write("token");
        });

        Assert.Equal(StatusCode.MalformedFrame, Refused(payload).Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ProtocolLimits.MaxPageSize + 1)]
    public void A_page_size_outside_its_range_is_a_bad_request(int limit)
    {
        var payload = Request(Opcode.ListSubjects, (ref MessagePackWriter w) => new ListSubjectsRequest { Limit = limit }.Write(ref w));

        Assert.Equal(StatusCode.BadRequest, Refused(payload).Status);
    }

    [Fact]
    public void A_hello_whose_range_is_backwards_is_a_bad_request()
    {
        var payload = Request(Opcode.Hello, (ref MessagePackWriter w) => new HelloRequest { MinVersion = 3, MaxVersion = 2 }.Write(ref w));

        Assert.Equal(StatusCode.BadRequest, Refused(payload).Status);
    }

    [Fact]
    public void A_ping_body_may_grow_fields_in_a_later_version()
    {
        var payload = Request(Opcode.Ping, (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(1);
            w.Write("x");
        });

        Assert.Equal(Opcode.Ping, Decoders.DecodeRequest(new ReadOnlySequence<byte>(payload)));
    }
}
