using System.Buffers;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Protocol.Tests;

/// <summary>What a server or client does with a payload: read the envelope, then the body its opcode calls for.</summary>
internal static class Decoders
{
    /// <summary>Decodes a request payload completely (views enumerated too); returns its opcode.</summary>
    public static Opcode DecodeRequest(ReadOnlySequence<byte> payload)
    {
        var reader = new ProtocolReader(payload);
        var header = RequestHeader.Read(ref reader);
        switch (header.Opcode)
        {
            case Opcode.Ping: PingRequest.Read(ref reader); break;
            case Opcode.Hello: HelloRequest.Read(ref reader); break;
            case Opcode.GetSchemaById: GetSchemaByIdRequest.Read(ref reader); break;
            case Opcode.GetVersion: GetVersionRequest.Read(ref reader); break;
            case Opcode.ListSubjects: ListSubjectsRequest.Read(ref reader); break;
            case Opcode.ListVersions: ListVersionsRequest.Read(ref reader); break;
            case Opcode.Register: RegisterRequest.Read(ref reader); break;
            case Opcode.CheckCompatibility: CheckCompatibilityRequest.Read(ref reader); break;
            case Opcode.Validate: ValidateRequest.Read(ref reader); break;
            case Opcode.ValidateBatch:
                foreach (var document in ValidateBatchRequest.Read(ref reader).Documents)
                {
                    _ = document.Bytes.Length;
                }

                break;
            case Opcode.UpdateVersion: UpdateVersionRequest.Read(ref reader); break;
            case Opcode.Delete: DeleteRequest.Read(ref reader); break;
            case Opcode.GetConfig: GetConfigRequest.Read(ref reader); break;
            case Opcode.SetConfig: SetConfigRequest.Read(ref reader); break;
            case Opcode.ListSchemaUsages: ListSchemaUsagesRequest.Read(ref reader); break;
            case Opcode.ListReferencedBy: ListReferencedByRequest.Read(ref reader); break;
            case Opcode.Lint: LintRequest.Read(ref reader); break;
            case Opcode.CheckOutput: CheckOutputRequest.Read(ref reader); break;
            case Opcode.StreamOpen: StreamOpenRequest.Read(ref reader); break;
            case Opcode.StreamChunk: StreamChunkRequest.Read(ref reader); break;
            case Opcode.ToolSet: ToolSetRequest.Read(ref reader); break;
            default: throw new ProtocolException(StatusCode.UnknownOpcode, "unknown opcode");
        }

        return header.Opcode;
    }

    /// <summary>Decodes a response payload to a request of <paramref name="opcode"/> completely; returns its status.</summary>
    public static StatusCode DecodeResponse(ReadOnlySequence<byte> payload, Opcode opcode)
    {
        var reader = new ProtocolReader(payload);
        var header = ResponseHeader.Read(ref reader);
        if (header.Status != StatusCode.Ok)
        {
            ErrorResponse.Read(ref reader);
            return header.Status;
        }

        switch (opcode)
        {
            case Opcode.Ping: EmptyBody.Read(ref reader, "PING response"); break;
            case Opcode.Hello: HelloResponse.Read(ref reader); break;
            case Opcode.GetSchemaById:
                foreach (var reference in SchemaResponse.Read(ref reader).References)
                {
                    _ = reference.Version;
                }

                break;
            case Opcode.GetVersion: VersionResponse.Read(ref reader); break;
            case Opcode.ListSubjects: ListSubjectsResponse.Read(ref reader); break;
            case Opcode.ListVersions or Opcode.Delete: VersionListResponse.Read(ref reader); break;
            case Opcode.Register: RegisterResponse.Read(ref reader); break;
            case Opcode.CheckCompatibility: CheckCompatibilityResponse.Read(ref reader); break;
            case Opcode.Validate:
                var validated = ValidateResponse.Read(ref reader);
                foreach (var error in validated.Errors)
                {
                    _ = error.MessageUtf8.Length;
                }

                foreach (var warning in validated.Warnings)
                {
                    _ = warning.Kind;
                }

                break;
            case Opcode.ValidateBatch:
                foreach (var result in ValidateBatchResponse.Read(ref reader).Results)
                {
                    foreach (var error in result.Errors)
                    {
                        _ = error.MessageUtf8.Length;
                    }
                }

                break;
            case Opcode.UpdateVersion: VersionInfo.Read(ref reader); break;
            case Opcode.GetConfig or Opcode.SetConfig: ConfigResponse.Read(ref reader); break;
            case Opcode.ListSchemaUsages or Opcode.ListReferencedBy: SubjectVersionListResponse.Read(ref reader); break;
            case Opcode.Lint: LintResponse.Read(ref reader); break;
            case Opcode.CheckOutput: CheckOutputResponse.Read(ref reader); break;
            case Opcode.StreamOpen: StreamOpenResponse.Read(ref reader); break;
            case Opcode.StreamChunk: StreamChunkResponse.Read(ref reader); break;
            case Opcode.ToolSet: ToolSetResponse.Read(ref reader); break;
            default: throw new ProtocolException(StatusCode.UnknownOpcode, "unknown opcode");
        }

        return header.Status;
    }

    /// <summary>The opcode a response in the catalogue answers (from its name).</summary>
    public static Opcode OpcodeOf(MessageCase message)
    {
        if (message.Name.StartsWith("error", StringComparison.Ordinal))
        {
            return Opcode.Register;
        }

        var name = message.Name.Split(' ')[0];
        return Enum.GetValues<Opcode>().Single(o => Opcodes.GetName(o) == name);
    }
}
