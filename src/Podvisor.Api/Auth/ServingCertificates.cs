using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Podvisor.Api.Auth;

/// <summary>
/// The cluster CA and the API server's serving certificate, generated at first start into {dataDir}/pki
/// (ca.crt, ca.key, server.crt, server.key; keys 0600) and reused afterwards. ECDSA P-256; the serving certificate
/// names 127.0.0.1, ::1 and localhost.
/// </summary>
public sealed class ServingCertificates
{
    private ServingCertificates(X509Certificate2 ca, X509Certificate2 server)
    {
        Ca = ca;
        Server = server;
    }

    public X509Certificate2 Ca { get; }

    /// <summary>The serving certificate with its private key.</summary>
    public X509Certificate2 Server { get; }

    public string CaPem => Ca.ExportCertificatePem();

    public static ServingCertificates LoadOrCreate(string dataDir, TimeProvider time)
    {
        var pki = Path.Combine(dataDir, "pki");
        Directory.CreateDirectory(pki);
        var caCrt = Path.Combine(pki, "ca.crt");
        var caKey = Path.Combine(pki, "ca.key");
        var serverCrt = Path.Combine(pki, "server.crt");
        var serverKey = Path.Combine(pki, "server.key");

        if (!File.Exists(caCrt) || !File.Exists(caKey))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=podvisor-ca", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            var now = time.GetUtcNow();
            using var ca = request.CreateSelfSigned(now.AddHours(-1), now.AddYears(10));
            WritePem(caCrt, ca.ExportCertificatePem(), secret: false);
            WritePem(caKey, key.ExportPkcs8PrivateKeyPem(), secret: true);
            File.Delete(serverCrt);
        }

        var caCert = X509Certificate2.CreateFromPemFile(caCrt, caKey);
        if (!File.Exists(serverCrt) || !File.Exists(serverKey))
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=podvisor-apiserver", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddIpAddress(IPAddress.IPv6Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
            var now = time.GetUtcNow();
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7f;
            using var signed = request.Create(caCert, now.AddHours(-1), now.AddYears(5), serial);
            WritePem(serverCrt, signed.ExportCertificatePem(), secret: false);
            WritePem(serverKey, key.ExportPkcs8PrivateKeyPem(), secret: true);
        }

        var server = X509Certificate2.CreateFromPemFile(serverCrt, serverKey);
        return new ServingCertificates(X509CertificateLoader.LoadCertificate(caCert.RawData), server);
    }

    private static void WritePem(string path, string pem, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(pem);
    }
}
