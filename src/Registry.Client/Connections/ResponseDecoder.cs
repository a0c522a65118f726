using Registry.Protocol;
using Registry.Protocol.Messages;
using Registry.Protocol.Wire;

namespace Registry.Client.Connections;

/// <summary>Reads an OK response body from a payload reader positioned after the envelope header.</summary>
internal delegate T BodyReader<T>(ref ProtocolReader reader);

/// <summary>Turns a response frame into a result or the exception the server's status calls for.</summary>
internal static class ResponseDecoder
{
    /// <summary>
    /// Decodes <paramref name="frame"/> and disposes it. Returns the body for OK; throws
    /// <see cref="RegistryRequestException"/> for an error status, except SHUTTING_DOWN (the request was not started),
    /// which sets <paramref name="shuttingDown"/> so that the caller may send the request elsewhere.
    /// </summary>
    public static T? Decode<T>(ResponseFrame frame, BodyReader<T> read, out bool shuttingDown)
    {
        using (frame)
        {
            shuttingDown = false;
            try
            {
                var reader = new ProtocolReader(frame.Payload);
                var header = ResponseHeader.Read(ref reader);
                if (header.Status == StatusCode.Ok)
                {
                    return read(ref reader);
                }

                var error = ErrorResponse.Read(ref reader);
                if (header.Status == StatusCode.ShuttingDown)
                {
                    shuttingDown = true;
                    return default;
                }

                throw new RegistryRequestException(header.Status, error);
            }
            catch (ProtocolException e)
            {
                throw new RegistryRequestException(e.Status, $"The server's response could not be read: {e.Message}", e);
            }
        }
    }
}
