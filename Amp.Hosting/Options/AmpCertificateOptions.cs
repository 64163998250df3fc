namespace Amp.Hosting;

/// <summary>
/// Where a certificate and its private key come from: files (<see cref="Path"/>: a PKCS#12 file ending in
/// <c>.pfx</c> or <c>.p12</c>, otherwise PEM with <see cref="KeyPath"/>), or a certificate store
/// (<see cref="Store"/> and <see cref="Subject"/>).
/// </summary>
public sealed class AmpCertificateOptions
{
    /// <summary>The certificate file: PKCS#12 (<c>.pfx</c>, <c>.p12</c>) or PEM.</summary>
    public string? Path { get; init; }

    /// <summary>The PEM private key file, when it is not in <see cref="Path"/>.</summary>
    public string? KeyPath { get; init; }

    /// <summary>The password of a PKCS#12 file, or of an encrypted PEM private key.</summary>
    public string? Password { get; init; }

    /// <summary>The name of a certificate store, such as <c>My</c>, to find the certificate in by <see cref="Subject"/>.</summary>
    public string? Store { get; init; }

    /// <summary>The store's location: <c>CurrentUser</c> (default) or <c>LocalMachine</c>.</summary>
    public string? Location { get; init; }

    /// <summary>The subject name to look for in <see cref="Store"/>; of several matches with a private key, the one valid longest is used.</summary>
    public string? Subject { get; init; }
}
