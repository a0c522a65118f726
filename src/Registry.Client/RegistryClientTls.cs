using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Registry.Client;

/// <summary>
/// TLS for the binary protocol: the server's certificate is verified against the system's trusted roots, or against
/// <see cref="TrustedRoots"/> when they are given (a private certificate authority, or a self-signed certificate),
/// and its name against <see cref="TargetHost"/>.
/// </summary>
public sealed record RegistryClientTls
{
    /// <summary>The name the server's certificate must carry; null (the default) takes the host of each endpoint.</summary>
    public string? TargetHost { get; init; }

    /// <summary>
    /// Certificates trusted as roots in addition to the system's (for a private authority or a self-signed server
    /// certificate); null or empty trusts the system's roots only.
    /// </summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>Reads trusted roots from a PEM file (one or more certificates), as <c>--ca-file</c> of the command line does.</summary>
    public static X509Certificate2Collection LoadRoots(string pemFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(pemFile);
        if (roots.Count == 0)
        {
            throw new ArgumentException($"{pemFile} holds no PEM certificate.", nameof(pemFile));
        }

        return roots;
    }

    internal SslClientAuthenticationOptions AuthenticationOptions(string endpointHost)
    {
        var roots = TrustedRoots;
        return new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost ?? endpointHost,
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = roots is null || roots.Count == 0 ? null : Verifier(roots),
        };
    }

    /// <summary>
    /// A certificate check that accepts what the system trusts, or else a chain built to one of <paramref name="roots"/>;
    /// a name mismatch or a missing certificate always fails. Usable for an <c>HttpClient</c>'s TLS options too.
    /// </summary>
    public static RemoteCertificateValidationCallback Verifier(X509Certificate2Collection roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        return (_, certificate, chain, errors) => Verify(roots, certificate, chain, errors);
    }

    /// <summary>The system's verdict, or else a chain built to one of <paramref name="roots"/>; a name mismatch always fails.</summary>
    private static bool Verify(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        }

        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
