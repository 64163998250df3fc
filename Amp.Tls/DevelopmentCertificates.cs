using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Amp.Tls;

/// <summary>
/// Creates a private certificate authority and certificates it signs, for development, tests and
/// samples (ECDSA P-256, SHA-256). Not for production: keep a real CA's key offline.
/// </summary>
public static class DevelopmentCertificates
{
    /// <summary>Creates a self-signed certificate authority.</summary>
    /// <param name="commonName">Its common name.</param>
    /// <param name="validity">How long it is valid from now (default 1 year).</param>
    /// <param name="notBefore">Start of validity (default: 5 minutes ago).</param>
    /// <returns>The authority, with its private key.</returns>
    public static X509Certificate2 CreateAuthority(string commonName, TimeSpan? validity = null, DateTimeOffset? notBefore = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 certificate = request.CreateSelfSigned(notBefore ?? now.AddMinutes(-5), now + (validity ?? TimeSpan.FromDays(365)));
        return Reload(certificate);
    }

    /// <summary>Issues a certificate signed by <paramref name="authority"/>, usable by TLS servers and clients.</summary>
    /// <param name="authority">The signing authority, with its private key.</param>
    /// <param name="commonName">The certificate's common name.</param>
    /// <param name="dnsNames">Host names it is valid for (default <c>localhost</c>); 127.0.0.1 and ::1 are always added.</param>
    /// <param name="notBefore">Start of validity (default: 5 minutes ago).</param>
    /// <param name="notAfter">End of validity (default: 1 year from now, capped at the authority's).</param>
    /// <returns>The certificate, with its private key.</returns>
    public static X509Certificate2 Issue(X509Certificate2 authority, string commonName, IEnumerable<string>? dnsNames = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (string name in dnsNames ?? ["localhost"])
        {
            names.AddDnsName(name);
        }

        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        DateTimeOffset end = notAfter ?? now.AddDays(365);
        if (end > authority.NotAfter)
        {
            end = authority.NotAfter;
        }

        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 signed = request.Create(authority, notBefore ?? now.AddMinutes(-5), end, serial);
        using X509Certificate2 withKey = signed.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>Writes a certificate and its private key as PEM files.</summary>
    /// <param name="certificate">The certificate, with its private key.</param>
    /// <param name="certificatePath">Where the certificate goes.</param>
    /// <param name="keyPath">Where the private key goes (PKCS#8).</param>
    public static void ExportPem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Loads a certificate and its private key from PEM files.</summary>
    /// <param name="certificatePath">The certificate (PEM).</param>
    /// <param name="keyPath">The private key (PEM); omit when it is in the certificate file.</param>
    /// <returns>The certificate, with its private key.</returns>
    public static X509Certificate2 LoadPem(string certificatePath, string? keyPath = null)
    {
        using X509Certificate2 loaded = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        return Reload(loaded);
    }

    /// <summary>Loads a certificate without a key (an authority to trust) from a PEM file.</summary>
    /// <param name="path">The certificate (PEM).</param>
    /// <returns>The certificate.</returns>
    public static X509Certificate2 LoadAuthorityPem(string path) => X509Certificate2.CreateFromPem(File.ReadAllText(path));

    /// <summary>Loads a certificate and its key from a PKCS#12 (.pfx) file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="password">Its password, if any.</param>
    /// <returns>The certificate, with its private key.</returns>
    public static X509Certificate2 LoadPkcs12(string path, string? password = null) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password);

    // Round-trip through PKCS#12 so the key is a persisted, exportable one that TLS servers accept on every platform.
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
}
