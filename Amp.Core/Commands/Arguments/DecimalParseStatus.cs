namespace Amp.Arguments;

/// <summary>What <see cref="DecimalText.Parse"/> found.</summary>
internal enum DecimalParseStatus
{
    /// <summary>A decimal within the digit limit.</summary>
    Valid,

    /// <summary>Not Python <c>Decimal</c> syntax, or the exponent is beyond <see cref="int"/>.</summary>
    Invalid,

    /// <summary>Valid syntax with more coefficient (or NaN payload) digits than the limit.</summary>
    TooManyDigits,
}
