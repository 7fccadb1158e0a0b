using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Podvisor.Testing.Http;

/// <summary>HTTPS clients that trust exactly one CA (the one serve generated), as kubectl does with its kubeconfig.</summary>
public static class CaTrust
{
    public static SocketsHttpHandler Handler(string caPem)
    {
        var ca = X509Certificate2.CreateFromPem(caPem);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) => ChainsTo(cert, ca),
            },
        };
    }

    /// <summary>True when <paramref name="cert"/> chains to <paramref name="ca"/> and to nothing else.</summary>
    public static bool ChainsTo(X509Certificate? cert, X509Certificate2 ca)
    {
        if (cert is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(cert);
        return chain.Build(presented);
    }
}
