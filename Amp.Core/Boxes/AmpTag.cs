using System.Buffers;
using System.Buffers.Text;

namespace Amp.Boxes;

/// <summary>
/// A call's tag (<c>_ask</c>, <c>_answer</c>, <c>_error</c> values). Tags are opaque bytes on receipt;
/// the usual lower-case hex counter form is kept as a number so copying it allocates nothing.
/// </summary>
internal readonly struct AmpTag
{
    private const int MaxNumericDigits = 16;

    private readonly ulong _number;
    private readonly byte[]? _raw;

    private AmpTag(ulong number, byte[]? raw)
    {
        _number = number;
        _raw = raw;
    }

    public static AmpTag FromNumber(ulong number) => new(number, null);

    /// <summary>Copies a received tag.</summary>
    public static AmpTag FromWire(ReadOnlySpan<byte> bytes) =>
        TryParseCanonical(bytes, out ulong number) ? new AmpTag(number, null) : new AmpTag(0, bytes.ToArray());

    /// <summary>Parses the form we write ourselves: lower-case hex, no leading zero, at least 1.</summary>
    public static bool TryParseCanonical(ReadOnlySpan<byte> bytes, out ulong number)
    {
        number = 0;
        if (bytes.Length is 0 or > MaxNumericDigits || bytes[0] == (byte)'0')
        {
            return false;
        }

        foreach (byte b in bytes)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            number = (number << 4) | (uint)digit;
        }

        return true;
    }

    /// <summary>Writes the tag's bytes into <paramref name="destination"/> (at least 16 bytes); returns the count.</summary>
    public int Format(Span<byte> destination)
    {
        if (_raw is not null)
        {
            _raw.CopyTo(destination);
            return _raw.Length;
        }

        Utf8Formatter.TryFormat(_number, destination, out int written, new StandardFormat('x'));
        return written;
    }

    public int MaxLength => _raw?.Length ?? MaxNumericDigits;

    public override string ToString() =>
        _raw is null ? _number.ToString("x", System.Globalization.CultureInfo.InvariantCulture) : WireText.Describe(_raw);
}
