using System.Buffers;
using System.Text;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Tests;

/// <summary>Round trips prove nothing is lost; these prove each value lands in the right field.</summary>
public sealed class DecodedFieldsTests
{
    private static ProtocolReader BodyOf(string name)
    {
        var message = MessageCatalog.Get(name);
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(message.Payload));
        if (message.IsRequest)
        {
            RequestHeader.Read(ref reader);
        }
        else
        {
            ResponseHeader.Read(ref reader);
        }

        return reader;
    }

    private static string Text(ReadOnlySequence<byte> utf8) => Encoding.UTF8.GetString(utf8.ToArray());

    [Fact]
    public void Request_header_carries_the_request_id_and_opcode()
    {
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(MessageCatalog.Get("GET_SCHEMA_BY_ID max id").Payload));

        var header = RequestHeader.Read(ref reader);

        Assert.Equal(uint.MaxValue, header.RequestId);
        Assert.Equal(Opcode.GetSchemaById, header.Opcode);
        Assert.Equal(int.MaxValue, GetSchemaByIdRequest.Read(ref reader).SchemaId);
    }

    [Fact]
    public void Register_request_keeps_every_field()
    {
        var reader = BodyOf("REGISTER full");

        var request = RegisterRequest.Read(ref reader);

        Assert.Equal("orders.created", request.Subject);
        Assert.Equal(SchemaType.Json, request.SchemaType);
        Assert.Equal(MessageCatalog.Schema, request.Schema.ToArray());
        Assert.Equal(MessageCatalog.References, request.References);
        Assert.Equal("2.4.0", request.SemVer);
        Assert.Equal(LifecycleState.Draft, request.State);
        Assert.Equal(555, request.ImportSchemaId);
        Assert.Equal(12, request.ImportVersion);
        Assert.NotNull(request.Metadata);
        Assert.Equal(MessageCatalog.Metadata.Description, request.Metadata.Description);
        Assert.Equal(MessageCatalog.Metadata.Owner, request.Metadata.Owner);
        Assert.Equal(MessageCatalog.Metadata.Tags, request.Metadata.Tags);
        Assert.Equal(MessageCatalog.Metadata.Properties.OrderBy(p => p.Key), request.Metadata.Properties.OrderBy(p => p.Key));
    }

    [Fact]
    public void Register_request_without_options_reads_them_as_absent()
    {
        var reader = BodyOf("REGISTER minimal");

        var request = RegisterRequest.Read(ref reader);

        Assert.Equal("s", request.Subject);
        Assert.Empty(request.References);
        Assert.Null(request.SemVer);
        Assert.Null(request.Metadata);
        Assert.Null(request.State);
        Assert.Null(request.ImportSchemaId);
        Assert.Null(request.ImportVersion);
    }

    [Fact]
    public void Version_response_keeps_the_version_facts_and_the_schema()
    {
        var reader = BodyOf("GET_VERSION response");

        var response = VersionResponse.Read(ref reader);

        var info = response.Info;
        Assert.Equal(MessageCatalog.Info.Subject, info.Subject);
        Assert.Equal(7, info.Version);
        Assert.Equal(100_123, info.SchemaId);
        Assert.Equal(LifecycleState.Deprecated, info.State);
        Assert.Equal("2.3.1", info.SemVer);
        Assert.Equal(MessageCatalog.Info.CreatedAt, info.CreatedAt);
        Assert.Equal("ci@checkout", info.CreatedBy);
        Assert.True(info.Deleted);
        Assert.Equal(MessageCatalog.Deprecation, info.Deprecation);
        Assert.Equal(MessageCatalog.Schema, response.Schema.ToArray());
        Assert.Equal(MessageCatalog.References, response.References);
    }

    [Fact]
    public void Hello_request_keeps_credentials_but_never_prints_the_secret()
    {
        var reader = BodyOf("HELLO full");

        var hello = HelloRequest.Read(ref reader);

        Assert.Equal("checkout-service/1.4.2", hello.ClientName);
        Assert.Equal(ProtocolVersions.Min, hello.MinVersion);
        Assert.Equal(ProtocolVersions.Max, hello.MaxVersion);
        Assert.NotNull(hello.Credentials);
        Assert.Equal("bearer", hello.Credentials.Scheme);
        Assert.Equal("s3cr3t-token"u8.ToArray(), hello.Credentials.Secret.ToArray());
        Assert.DoesNotContain("s3cr3t", hello.ToString(), StringComparison.Ordinal);
        Assert.Contains("12 bytes", hello.Credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_response_exposes_the_schema_bytes_and_references_in_place()
    {
        var reader = BodyOf("GET_SCHEMA_BY_ID response");

        var response = SchemaResponse.Read(ref reader);

        Assert.Equal(100_123, response.SchemaId);
        Assert.Equal(SchemaType.Json, response.SchemaType);
        Assert.Equal(MessageCatalog.Schema, response.Schema.ToArray());
        Assert.Equal(2, response.References.Count);
        var i = 0;
        foreach (var reference in response.References)
        {
            Assert.Equal(MessageCatalog.References[i].Name, Text(reference.NameUtf8));
            Assert.Equal(MessageCatalog.References[i].Subject, Text(reference.SubjectUtf8));
            Assert.Equal(MessageCatalog.References[i].Version, reference.Version);
            i++;
        }

        Assert.Equal(2, i);
    }

    [Fact]
    public void Validate_request_by_schema_id_exposes_the_document_in_place()
    {
        var reader = BodyOf("VALIDATE by id");

        var request = ValidateRequest.Read(ref reader);

        Assert.True(request.Target.IsSchemaId);
        Assert.Equal(100_123, request.Target.SchemaId);
        Assert.Null(request.Target.GetSubject());
        Assert.Equal(0, request.MaxErrors);
        Assert.Equal(MessageCatalog.Document, request.Document.ToArray());
    }

    [Fact]
    public void Validate_request_by_subject_carries_subject_and_latest()
    {
        var reader = BodyOf("VALIDATE by subject");

        var request = ValidateRequest.Read(ref reader);

        Assert.False(request.Target.IsSchemaId);
        Assert.Equal("orders.créé", request.Target.GetSubject());
        Assert.Equal("orders.créé", Text(request.Target.SubjectUtf8));
        Assert.Equal(VersionSelector.Latest, request.Target.Version);
        Assert.Equal(1000, request.MaxErrors);
        Assert.Equal(MessageCatalog.Document, request.Document.ToArray());
    }

    [Fact]
    public void Validate_response_exposes_outcome_errors_and_warnings()
    {
        var reader = BodyOf("VALIDATE response invalid");

        var response = ValidateResponse.Read(ref reader);

        Assert.Equal(100_123, response.SchemaId);
        Assert.Equal(ValidationOutcome.Invalid, response.Outcome);
        Assert.False(response.IsValid);
        Assert.True(response.Truncated);
        var errors = new List<DocumentError>();
        foreach (var error in response.Errors)
        {
            errors.Add(error.ToError());
        }

        var warnings = new List<ValidationWarning>();
        foreach (var warning in response.Warnings)
        {
            warnings.Add(warning.ToWarning());
        }

        Assert.Equal(MessageCatalog.Errors, errors);
        Assert.Equal(MessageCatalog.Warnings, warnings);
    }

    [Fact]
    public void Validate_batch_request_lists_every_document_in_order()
    {
        var reader = BodyOf("VALIDATE_BATCH by id");

        var request = ValidateBatchRequest.Read(ref reader);

        Assert.Equal(9, request.Target.SchemaId);
        Assert.Equal(5, request.MaxErrors);
        var documents = new List<byte[]>();
        foreach (var document in request.Documents)
        {
            documents.Add(document.Bytes.ToArray());
        }

        Assert.Equal([MessageCatalog.Document, "{}"u8.ToArray(), "not json"u8.ToArray()], documents);
    }

    [Fact]
    public void Validate_batch_response_gives_one_result_per_document()
    {
        var reader = BodyOf("VALIDATE_BATCH response");

        var response = ValidateBatchResponse.Read(ref reader);

        Assert.Equal(9, response.SchemaId);
        Assert.Equal(1, response.Warnings.Count);
        var outcomes = new List<(ValidationOutcome, int)>();
        foreach (var result in response.Results)
        {
            outcomes.Add((result.Outcome, result.Errors.Count));
        }

        Assert.Equal([(ValidationOutcome.Valid, 0), (ValidationOutcome.Invalid, 2), (ValidationOutcome.MalformedJson, 1)], outcomes);
    }

    [Fact]
    public void Incompatible_error_carries_its_differences()
    {
        var message = MessageCatalog.Get("error response incompatible");
        var reader = new ProtocolReader(new ReadOnlySequence<byte>(message.Payload));

        var header = ResponseHeader.Read(ref reader);
        var error = ErrorResponse.Read(ref reader);

        Assert.Equal(StatusCode.Incompatible, header.Status);
        Assert.Equal(22u, header.RequestId);
        Assert.Equal(MessageCatalog.Differences, error.Differences);
        Assert.Empty(error.SchemaErrors);
    }

    [Fact]
    public void Config_response_without_settings_reads_them_as_null()
    {
        var reader = BodyOf("GET_CONFIG response unset");

        var config = ConfigResponse.Read(ref reader);

        Assert.Null(config.Level);
        Assert.Null(config.Policy);
        Assert.Null(config.Mode);
    }

    [Fact]
    public void Set_config_keeps_each_setting()
    {
        var reader = BodyOf("SET_CONFIG full");

        var request = SetConfigRequest.Read(ref reader);

        Assert.Equal("orders.created", request.Subject);
        Assert.Equal(CompatibilityLevel.FullTransitive, request.Level);
        Assert.Equal(CompatibilityPolicy.Lenient, request.Policy);
        Assert.Equal(RegistryMode.Import, request.Mode);
    }

    [Fact]
    public void Delete_of_a_whole_subject_has_no_version()
    {
        var reader = BodyOf("DELETE subject permanently");

        var request = DeleteRequest.Read(ref reader);

        Assert.Null(request.Version);
        Assert.True(request.Permanent);
    }

    [Fact]
    public void Hello_response_carries_the_connection_limits()
    {
        var reader = BodyOf("HELLO response");

        var hello = HelloResponse.Read(ref reader);

        Assert.Equal(1, hello.Version);
        Assert.Equal(1 << 20, hello.MaxFrameBytes);
        Assert.Equal(64, hello.MaxInFlight);
        Assert.Equal(TimeSpan.FromSeconds(90), hello.IdleTimeout);
    }
}
