namespace Amp;

/// <summary>The kinds of value a Python <c>decimal.Decimal</c> (and so an <see cref="AmpDecimal"/>) can be.</summary>
public enum AmpDecimalKind
{
    /// <summary>A finite number: sign, coefficient and exponent.</summary>
    Finite,

    /// <summary>Positive or negative infinity.</summary>
    Infinity,

    /// <summary>A quiet NaN, possibly signed and with a payload.</summary>
    NaN,

    /// <summary>A signaling NaN (<c>sNaN</c>), possibly signed and with a payload.</summary>
    SignalingNaN,
}
