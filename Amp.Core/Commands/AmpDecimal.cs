using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using Amp.Arguments;

namespace Amp;

/// <summary>
/// A decimal number exactly as Python's <c>decimal.Decimal</c> carries it on the wire: a sign, an
/// unbounded coefficient and an exponent, or infinity, or a quiet or signaling NaN with an
/// optional payload. Unlike <see cref="decimal"/> it keeps <c>-0</c>, <c>1E+3</c>-style precision,
/// exponents far beyond ±28 and the special values.
/// </summary>
/// <remarks>
/// <para>
/// Equality is structural, not numeric: <c>1.0</c> and <c>1.00</c> are different values (they
/// differ in exponent and are written differently), <c>0</c> and <c>-0</c> differ, and a NaN equals
/// a NaN with the same sign, kind and payload.
/// </para>
/// <para>
/// The exponent is an <see cref="int"/>; Python allows larger exponents (up to about 10^18),
/// which cannot be parsed into this type.
/// </para>
/// <para>
/// <see cref="Parse(ReadOnlySpan{byte})"/>, <see cref="TryParse(ReadOnlySpan{byte}, out AmpDecimal)"/>
/// and <see cref="ToString"/> take any number of digits, at a cost that grows faster than the
/// number of digits (the coefficient is a <see cref="BigInteger"/>). Arguments from a peer are read
/// by <see cref="Arguments.DecimalArgument"/>, which refuses more than its <c>MaxDigits</c> first.
/// </para>
/// </remarks>
public readonly struct AmpDecimal : IEquatable<AmpDecimal>
{
    private readonly BigInteger _coefficient;
    private readonly int _exponent;
    private readonly AmpDecimalKind _kind;
    private readonly bool _negative;

    private AmpDecimal(AmpDecimalKind kind, bool negative, BigInteger coefficient, int exponent)
    {
        _kind = kind;
        _negative = negative;
        _coefficient = coefficient;
        _exponent = exponent;
    }

    /// <summary>Creates a finite value <c>coefficient × 10^exponent</c>, the sign taken from <paramref name="coefficient"/>.</summary>
    /// <param name="coefficient">The signed coefficient.</param>
    /// <param name="exponent">The power of ten.</param>
    public AmpDecimal(BigInteger coefficient, int exponent)
        : this(AmpDecimalKind.Finite, coefficient.Sign < 0, BigInteger.Abs(coefficient), exponent)
    {
    }

    /// <summary>Creates a finite value <c>(-1)^sign × coefficient × 10^exponent</c>; this form can express <c>-0</c>.</summary>
    /// <param name="isNegative">The sign.</param>
    /// <param name="coefficient">The coefficient; zero or positive.</param>
    /// <param name="exponent">The power of ten.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="coefficient"/> is negative.</exception>
    public AmpDecimal(bool isNegative, BigInteger coefficient, int exponent)
        : this(AmpDecimalKind.Finite, isNegative, coefficient, exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(coefficient);
    }

    /// <summary>Positive infinity (<c>Infinity</c>).</summary>
    public static AmpDecimal PositiveInfinity => new(AmpDecimalKind.Infinity, false, BigInteger.Zero, 0);

    /// <summary>Negative infinity (<c>-Infinity</c>).</summary>
    public static AmpDecimal NegativeInfinity => new(AmpDecimalKind.Infinity, true, BigInteger.Zero, 0);

    /// <summary>A quiet NaN without payload (<c>NaN</c>).</summary>
    public static AmpDecimal NaN => new(AmpDecimalKind.NaN, false, BigInteger.Zero, 0);

    /// <summary>A signaling NaN without payload (<c>sNaN</c>).</summary>
    public static AmpDecimal SignalingNaN => new(AmpDecimalKind.SignalingNaN, false, BigInteger.Zero, 0);

    /// <summary>The kind of value.</summary>
    public AmpDecimalKind Kind => _kind;

    /// <summary>Whether the sign is negative; also true for <c>-0</c>, <c>-Infinity</c> and <c>-NaN</c>.</summary>
    public bool IsNegative => _negative;

    /// <summary>The coefficient (never negative) of a finite value, or the payload of a NaN (0 for none); 0 for infinity.</summary>
    public BigInteger Coefficient => _coefficient;

    /// <summary>The exponent of a finite value; 0 otherwise.</summary>
    public int Exponent => _exponent;

    /// <summary>Whether the value is finite.</summary>
    public bool IsFinite => _kind == AmpDecimalKind.Finite;

    /// <summary>Whether the value is positive or negative infinity.</summary>
    public bool IsInfinity => _kind == AmpDecimalKind.Infinity;

    /// <summary>Whether the value is a quiet or a signaling NaN.</summary>
    public bool IsNaN => _kind is AmpDecimalKind.NaN or AmpDecimalKind.SignalingNaN;

    /// <summary>Whether the value is a signaling NaN.</summary>
    public bool IsSignalingNaN => _kind == AmpDecimalKind.SignalingNaN;

    /// <summary>Creates a NaN.</summary>
    /// <param name="isNegative">The sign (Python writes it as <c>-NaN</c>).</param>
    /// <param name="isSignaling">Whether it is a signaling NaN (<c>sNaN</c>).</param>
    /// <param name="payload">The diagnostic payload; 0 for none.</param>
    /// <returns>The NaN.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payload"/> is negative.</exception>
    public static AmpDecimal CreateNaN(bool isNegative, bool isSignaling, BigInteger payload)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payload);
        return new AmpDecimal(isSignaling ? AmpDecimalKind.SignalingNaN : AmpDecimalKind.NaN, isNegative, payload, 0);
    }

    /// <summary>Parses Python <c>Decimal(text)</c> syntax.</summary>
    /// <param name="text">The text: whitespace around, underscores (ignored), a sign, digits with an optional point and exponent, or case-insensitive <c>Inf</c>, <c>Infinity</c>, <c>NaN</c>, <c>sNaN</c> (NaNs with optional payload digits).</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The text is not a decimal, holds non-ASCII characters, or its exponent does not fit an <see cref="int"/>.</exception>
    public static AmpDecimal Parse(ReadOnlySpan<char> text)
    {
        if (!TryParse(text, out AmpDecimal result))
        {
            throw new FormatException($"Invalid decimal value: '{text}'.");
        }

        return result;
    }

    /// <summary>Parses Python <c>Decimal(text)</c> syntax from ASCII (UTF-8) bytes.</summary>
    /// <param name="utf8Text">The text; see <see cref="Parse(ReadOnlySpan{char})"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The text is not a decimal, holds non-ASCII characters, or its exponent does not fit an <see cref="int"/>.</exception>
    public static AmpDecimal Parse(ReadOnlySpan<byte> utf8Text)
    {
        if (!TryParse(utf8Text, out AmpDecimal result))
        {
            ThrowHelper.ThrowFormat("decimal", utf8Text);
        }

        return result;
    }

    /// <summary>Tries to parse Python <c>Decimal(text)</c> syntax.</summary>
    /// <param name="text">The text; see <see cref="Parse(ReadOnlySpan{char})"/>.</param>
    /// <param name="result">The value, or the default value on failure.</param>
    /// <returns>Whether the text was valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out AmpDecimal result)
    {
        result = default;
        if (!Ascii.IsValid(text))
        {
            return false;
        }

        byte[]? rented = null;
        Span<byte> bytes = text.Length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(text.Length));
        try
        {
            Ascii.FromUtf16(text, bytes, out int length);
            return DecimalText.TryParse(bytes[..length], out result);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Tries to parse Python <c>Decimal(text)</c> syntax from ASCII (UTF-8) bytes.</summary>
    /// <param name="utf8Text">The text; see <see cref="Parse(ReadOnlySpan{char})"/>.</param>
    /// <param name="result">The value, or the default value on failure.</param>
    /// <returns>Whether the text was valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, out AmpDecimal result)
    {
        result = default;
        return Ascii.IsValid(utf8Text) && DecimalText.TryParse(utf8Text, out result);
    }

    /// <summary>Returns Python's <c>str(Decimal)</c>: <c>1.0</c>, <c>1E+2</c>, <c>0.000001</c>, <c>1E-7</c>, <c>-0</c>, <c>Infinity</c>, <c>-NaN</c>, <c>sNaN123</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var writer = new ArrayBufferWriter<byte>();
        WriteTo(writer);
        return Encoding.ASCII.GetString(writer.WrittenSpan);
    }

    /// <summary>Writes <see cref="ToString"/>'s text as ASCII.</summary>
    internal void WriteTo(IBufferWriter<byte> destination) => WriteTo(destination, int.MaxValue);

    /// <summary>Writes <see cref="ToString"/>'s text as ASCII if the coefficient (or NaN payload) has at most <paramref name="digitLimit"/> digits.</summary>
    /// <exception cref="ArgumentException">The coefficient has more digits; nothing is written.</exception>
    internal void WriteTo(IBufferWriter<byte> destination, int digitLimit)
    {
        if (_kind == AmpDecimalKind.Infinity)
        {
            destination.Write(_negative ? "-Infinity"u8 : "Infinity"u8);
            return;
        }

        // A coefficient of b bits has at least floor((b - 1) * log10(2)) + 1 digits; refuse before
        // formatting (which costs more than linear time) when even that is too many.
        long bits = _coefficient.GetBitLength();
        if (bits > 1 && (long)((bits - 1) * 0.30102999) + 1 > digitLimit)
        {
            ThrowTooManyDigits(digitLimit);
        }

        // Stack buffers cover coefficients up to about 120 digits.
        int maxDigits = (int)(bits * 0.30103) + 2;
        char[]? rentedChars = null;
        byte[]? rentedBytes = null;
        Span<char> chars = maxDigits <= 128 ? stackalloc char[128] : (rentedChars = ArrayPool<char>.Shared.Rent(maxDigits));
        Span<byte> digits = maxDigits <= 128 ? stackalloc byte[128] : (rentedBytes = ArrayPool<byte>.Shared.Rent(maxDigits));
        try
        {
            _coefficient.TryFormat(chars, out int digitCount, default, CultureInfo.InvariantCulture);
            if (digitCount > digitLimit)
            {
                ThrowTooManyDigits(digitLimit);
            }

            Ascii.FromUtf16(chars[..digitCount], digits, out _);
            digits = digits[..digitCount];
            if (_kind == AmpDecimalKind.Finite)
            {
                Span<byte> span = destination.GetSpan(DecimalText.MaxLayoutLength(digitCount));
                destination.Advance(DecimalText.Layout(_negative, digits, _exponent, span));
                return;
            }

            destination.Write(_kind == AmpDecimalKind.NaN
                ? (_negative ? "-NaN"u8 : "NaN"u8)
                : (_negative ? "-sNaN"u8 : "sNaN"u8));
            if (!_coefficient.IsZero)
            {
                destination.Write(digits);
            }
        }
        finally
        {
            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }

            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }
        }
    }

    private static void ThrowTooManyDigits(int digitLimit) =>
        ThrowHelper.ThrowArgument($"The decimal's coefficient has more than {digitLimit} digits, the limit of this argument type (DecimalArgument.MaxDigits).", "value");

    /// <inheritdoc/>
    public bool Equals(AmpDecimal other) =>
        _kind == other._kind && _negative == other._negative && _exponent == other._exponent && _coefficient.Equals(other._coefficient);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AmpDecimal other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_kind, _negative, _exponent, _coefficient);

    /// <summary>Structural equality; see <see cref="AmpDecimal"/>.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>Whether both have the same kind, sign, coefficient and exponent.</returns>
    public static bool operator ==(AmpDecimal left, AmpDecimal right) => left.Equals(right);

    /// <summary>Structural inequality; see <see cref="AmpDecimal"/>.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns>Whether the values differ in kind, sign, coefficient or exponent.</returns>
    public static bool operator !=(AmpDecimal left, AmpDecimal right) => !left.Equals(right);

    /// <summary>Converts a <see cref="decimal"/> exactly, keeping its scale (<c>1.10m</c> becomes <c>1.10</c>) and sign.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator AmpDecimal(decimal value) => FromDecimal(value);

    /// <summary>
    /// Converts to <see cref="decimal"/>. Values with more digits or a smaller exponent than
    /// <see cref="decimal"/> holds are rounded to the nearest, ties to even
    /// (<c>1E-30</c> becomes 0); the scale is kept where it fits.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <exception cref="OverflowException">The value is infinity, a NaN, or its magnitude is beyond <see cref="decimal.MaxValue"/>.</exception>
    public static explicit operator decimal(AmpDecimal value) => value.ToDecimal();

    /// <summary>Converts a <see cref="decimal"/> exactly; see the implicit conversion.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The value as an <see cref="AmpDecimal"/>.</returns>
    public static AmpDecimal FromDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        ulong low = (uint)bits[0] | ((ulong)(uint)bits[1] << 32);
        var coefficient = ((BigInteger)(uint)bits[2] << 64) | low;
        int scale = (bits[3] >> 16) & 0xFF;
        return new AmpDecimal(AmpDecimalKind.Finite, bits[3] < 0, coefficient, -scale);
    }

    /// <summary>Converts to <see cref="decimal"/>; see the explicit conversion.</summary>
    /// <returns>The value as a <see cref="decimal"/>.</returns>
    /// <exception cref="OverflowException">The value is infinity, a NaN, or its magnitude is beyond <see cref="decimal.MaxValue"/>.</exception>
    public decimal ToDecimal()
    {
        if (_kind != AmpDecimalKind.Finite)
        {
            throw new OverflowException($"{ShortText()} has no System.Decimal value.");
        }

        BigInteger max = (BigInteger.One << 96) - 1;
        BigInteger coefficient = _coefficient;
        int scale;
        if (coefficient.IsZero)
        {
            scale = (int)Math.Clamp(-(long)_exponent, 0, 28);
        }
        else if (_exponent >= 0)
        {
            if (_exponent > 29)
            {
                throw new OverflowException($"{ShortText()} is outside the range of System.Decimal.");
            }

            coefficient *= BigInteger.Pow(10, _exponent);
            scale = 0;
        }
        else
        {
            scale = -_exponent;

            // Dropping fewer digits than (digits - 29) leaves at least 10^29 > max, so start there
            // rather than trying each count in turn (each try divides the whole coefficient).
            long digitsAtLeast = (long)((coefficient.GetBitLength() - 1) * 0.30102999) + 1;
            int drop = (int)Math.Min(scale, Math.Max(Math.Max(0, scale - 28L), digitsAtLeast - 29));
            BigInteger rounded = RoundAway(coefficient, drop);
            while (rounded > max && drop < scale)
            {
                drop++;
                rounded = RoundAway(coefficient, drop);
            }

            coefficient = rounded;
            scale -= drop;
        }

        if (coefficient > max)
        {
            throw new OverflowException($"{ShortText()} is outside the range of System.Decimal.");
        }

        var magnitude = (UInt128)coefficient;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), _negative, (byte)scale);
    }

    // The value for a message, unless its text would be long (and slow to produce: formatting a
    // BigInteger costs more than linear time).
    private string ShortText() => _coefficient.GetBitLength() <= 332
        ? ToString()
        : $"A decimal of more than 100 digits (exponent {_exponent.ToString(CultureInfo.InvariantCulture)})";

    // Removes `digits` low decimal digits, rounding half to even.
    private static BigInteger RoundAway(BigInteger value, int digits)
    {
        if (digits == 0)
        {
            return value;
        }

        // value < 10^(digits-1) rounds to 0 without computing a huge power.
        if (value.GetBitLength() * 0.30103 < digits - 1)
        {
            return BigInteger.Zero;
        }

        BigInteger divisor = BigInteger.Pow(10, digits);
        BigInteger quotient = BigInteger.DivRem(value, divisor, out BigInteger remainder);
        int comparison = (remainder * 2).CompareTo(divisor);
        if (comparison > 0 || (comparison == 0 && !quotient.IsEven))
        {
            quotient++;
        }

        return quotient;
    }
}
