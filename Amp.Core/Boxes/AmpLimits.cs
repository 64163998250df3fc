namespace Amp.Boxes;

/// <summary>
/// Size limits for incoming boxes. Every limit is checked from the length prefixes, before any byte
/// of a value is waited for or allocated. The defaults are safe for a peer you do not trust.
/// </summary>
public sealed class AmpLimits
{
    /// <summary>The longest key the wire allows (255 bytes); fixed by the protocol.</summary>
    public const int MaxKeyLength = 255;

    /// <summary>The longest value the wire allows (65535 bytes); fixed by the 16-bit length prefix.</summary>
    public const int WireMaxValueLength = ushort.MaxValue;

    /// <summary>The limits used when none are given.</summary>
    public static AmpLimits Default { get; } = new();

    private readonly int _maxValueLength = WireMaxValueLength;
    private readonly int _maxBoxBytes = 1024 * 1024;
    private readonly int _maxKeysPerBox = 1024;

    /// <summary>The longest value accepted, 0 to 65535 bytes. Default 65535.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0..65535.</exception>
    public int MaxValueLength
    {
        get => _maxValueLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, WireMaxValueLength);
            _maxValueLength = value;
        }
    }

    /// <summary>
    /// The largest box accepted, counting every prefix and the end marker. Default 1 MiB.
    /// Twisted has no such limit; values are capped at 64 KiB but a box may hold many of them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 2 (an empty box).</exception>
    public int MaxBoxBytes
    {
        get => _maxBoxBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 2);
            _maxBoxBytes = value;
        }
    }

    /// <summary>The most keys accepted in one box. Default 1024.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxKeysPerBox
    {
        get => _maxKeysPerBox;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxKeysPerBox = value;
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"max-value-length={MaxValueLength}, max-box-bytes={MaxBoxBytes}, max-keys-per-box={MaxKeysPerBox}";
}
