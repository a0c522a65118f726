namespace Registry.Client;

/// <summary>Facts about the client library.</summary>
public static class ClientInfo
{
    /// <summary>Default binary-protocol port of the registry server.</summary>
    public const int DefaultPort = 9091;
}
