using System.Text;

namespace Amp.Tls;

/// <summary>
/// A pre-shared key and the identity that names it (<see cref="TlsLayerOptions.PreSharedKey"/>): TLS 1.3
/// external PSK (RFC 8446 §2.2, with an ECDHE key share for forward secrecy) or TLS 1.2 PSK cipher suites
/// (RFC 4279, 5489). Both peers hold the key; the identity travels in the clear, the key never does.
/// </summary>
/// <remarks>
/// Use a random key of at least 16 bytes (32 is usual), never a password: a handshake is an offline guessing
/// oracle for a weak key. <see cref="ToString"/> shows the identity, never the key.
/// </remarks>
public sealed class TlsPreSharedKey
{
    /// <summary>The shortest key accepted: 128 bits.</summary>
    public const int MinimumKeyBytes = 16;

    private readonly byte[] _identity;
    private readonly byte[] _key;

    /// <summary>Creates a key named by <paramref name="identity"/> (any bytes; UTF-8 text is usual).</summary>
    /// <param name="identity">The identity the client sends, 1 to 65,535 bytes.</param>
    /// <param name="key">The secret, at least <see cref="MinimumKeyBytes"/> bytes (copied).</param>
    /// <exception cref="ArgumentException">The identity is empty or longer than 65,535 bytes, or the key is shorter than <see cref="MinimumKeyBytes"/> or longer than 65,535 bytes.</exception>
    public TlsPreSharedKey(ReadOnlySpan<byte> identity, ReadOnlySpan<byte> key)
    {
        if (identity.IsEmpty || identity.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"A pre-shared key's identity is 1 to {ushort.MaxValue} bytes, not {identity.Length}.", nameof(identity));
        }

        if (key.Length < MinimumKeyBytes || key.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"A pre-shared key is {MinimumKeyBytes} to {ushort.MaxValue} bytes (use random bytes, not a password), not {key.Length}.", nameof(key));
        }

        _identity = identity.ToArray();
        _key = key.ToArray();
    }

    /// <summary>Creates a key named by the UTF-8 bytes of <paramref name="identity"/>.</summary>
    /// <param name="identity">The identity, as text (sent as UTF-8, as <c>openssl -psk_identity</c> does).</param>
    /// <param name="key">The secret, at least <see cref="MinimumKeyBytes"/> bytes (copied).</param>
    /// <exception cref="ArgumentNullException"><paramref name="identity"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">As for the other constructor.</exception>
    public TlsPreSharedKey(string identity, ReadOnlySpan<byte> key)
        : this(Encoding.UTF8.GetBytes(identity ?? throw new ArgumentNullException(nameof(identity))), key)
    {
    }

    /// <summary>The identity's bytes.</summary>
    public ReadOnlyMemory<byte> Identity => _identity;

    /// <summary>The identity as text when it is printable UTF-8, else as hex.</summary>
    public string IdentityText => TlsText.Identity(_identity);

    /// <summary>The key's bytes, for the engine only.</summary>
    internal byte[] Key => _key;

    /// <summary>Whether this key is named by <paramref name="identity"/>.</summary>
    internal bool IsNamed(ReadOnlySpan<byte> identity) => identity.SequenceEqual(_identity);

    /// <inheritdoc/>
    public override string ToString() => $"pre-shared key '{IdentityText}' ({_key.Length} bytes)";
}
