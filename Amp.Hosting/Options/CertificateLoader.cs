using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amp.Tls;

namespace Amp.Hosting;

/// <summary>
/// Loads the certificates a listener's TLS settings name. Every failure is an <see cref="InvalidOperationException"/>
/// whose message starts with the setting at fault (such as <c>Amp:Listeners:0:Tls:Certificate:Path</c>).
/// </summary>
internal static class CertificateLoader
{
    /// <summary>Loads the server certificate, which must carry its private key.</summary>
    /// <param name="options">Where it is.</param>
    /// <param name="setting">The configuration path of <paramref name="options"/>, for messages.</param>
    public static X509Certificate2 LoadServerCertificate(AmpCertificateOptions? options, string setting)
    {
        if (options is null || (options.Path is null && options.Store is null))
        {
            throw new InvalidOperationException($"{setting}: a certificate is required: set Path (a PEM or PKCS#12 file) or Store and Subject.");
        }

        if (options.Path is not null && options.Store is not null)
        {
            throw new InvalidOperationException($"{setting}: set either Path or Store, not both.");
        }

        X509Certificate2 certificate = options.Path is { } path ? LoadFile(options, path, setting) : LoadFromStore(options, setting);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{setting}: the certificate has no private key"
                + (options.Path is not null && options.KeyPath is null ? "; set KeyPath to its PEM key file." : "."));
        }

        return certificate;
    }

    /// <summary>Loads an authority's certificate (PEM or DER) from a file.</summary>
    public static X509Certificate2 LoadAuthority(string path, string setting)
    {
        RequireFile(path, setting);
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{setting}: '{path}' cannot be loaded as a certificate: {e.Message}", e);
        }
    }

    private static X509Certificate2 LoadFile(AmpCertificateOptions options, string path, string setting)
    {
        RequireFile(path, setting + ":Path");
        if (options.KeyPath is { } keyPath)
        {
            RequireFile(keyPath, setting + ":KeyPath");
        }

        bool pkcs12 = path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
        if (!pkcs12 && options.KeyPath is null && !File.ReadAllText(path).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{setting}: the certificate has no private key in '{path}'; set KeyPath to its PEM key file.");
        }

        try
        {
            if (pkcs12)
            {
                return DevelopmentCertificates.LoadPkcs12(path, options.Password);
            }

            return options.Password is { } password
                ? X509Certificate2.CreateFromEncryptedPemFile(path, password, options.KeyPath)
                : DevelopmentCertificates.LoadPem(path, options.KeyPath);
        }
        catch (CryptographicException e)
        {
            string hint = options.Password is null ? "" : " (is Password right?)";
            throw new InvalidOperationException($"{setting}:Path: '{path}' cannot be loaded{hint}: {e.Message}", e);
        }
    }

    private static X509Certificate2 LoadFromStore(AmpCertificateOptions options, string setting)
    {
        if (string.IsNullOrEmpty(options.Subject))
        {
            throw new InvalidOperationException($"{setting}:Subject: required with Store, to find the certificate by its subject name.");
        }

        StoreLocation location = StoreLocation.CurrentUser;
        if (options.Location is { } text && !Enum.TryParse(text, ignoreCase: true, out location))
        {
            throw new InvalidOperationException($"{setting}:Location: '{text}' is not a store location; expected CurrentUser or LocalMachine.");
        }

        try
        {
            using var store = new X509Store(options.Store!, location);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            X509Certificate2? best = null;
            foreach (X509Certificate2 candidate in store.Certificates.Find(X509FindType.FindBySubjectName, options.Subject, validOnly: false))
            {
                if (candidate.HasPrivateKey && (best is null || candidate.NotAfter > best.NotAfter))
                {
                    best?.Dispose();
                    best = candidate;
                }
                else
                {
                    candidate.Dispose();
                }
            }

            return best ?? throw new InvalidOperationException(
                $"{setting}:Subject: no certificate with a private key and the subject '{options.Subject}' is in the store {location}/{options.Store}.");
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{setting}:Store: the store {location}/{options.Store} cannot be opened: {e.Message}", e);
        }
    }

    private static void RequireFile(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{setting}: the file '{path}' does not exist (full path '{System.IO.Path.GetFullPath(path)}').");
        }
    }
}
