namespace Amp.Arguments;

/// <summary>
/// An argument type whose decimal digits .NET converts in more than linear time (Twisted's
/// <c>Integer</c> and <c>Decimal</c> held as a <see cref="System.Numerics.BigInteger"/>): it reads and
/// writes at most <see cref="MaxDigits"/> digits, refusing longer text after one pass over it, before
/// any digit is converted. Each type says which digits count.
/// </summary>
/// <typeparam name="T">The CLR type the argument carries.</typeparam>
public abstract class DigitLimitedArgumentType<T> : AmpArgumentType<T>, IDigitLimitedArgumentType
{
    /// <summary>The default of <see cref="MaxDigits"/>: 4300, CPython's limit on int/str conversion (<c>sys.get_int_max_str_digits()</c>).</summary>
    public const int DefaultMaxDigits = WireText.MaxIntegerDigits;

    private int _maxDigits = DefaultMaxDigits;

    private protected DigitLimitedArgumentType()
    {
    }

    /// <summary>
    /// The most digits read or written; which digits count is described by each type. Default
    /// <see cref="DefaultMaxDigits"/>. Set it per property with <c>[AmpArgument("name", MaxDigits = n)]</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxDigits
    {
        get => _maxDigits;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxDigits = value;
        }
    }

    object IDigitLimitedArgumentType.WithMaxDigits(int maxDigits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDigits, 1);
        var copy = (DigitLimitedArgumentType<T>)MemberwiseClone();
        copy._maxDigits = maxDigits;
        return copy;
    }
}

/// <summary>Lets the resolver give a property its own digit limit without knowing the argument type.</summary>
internal interface IDigitLimitedArgumentType
{
    /// <summary>A copy of this argument type with another <c>MaxDigits</c>.</summary>
    object WithMaxDigits(int maxDigits);
}
