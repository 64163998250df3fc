using System.Buffers;

namespace Amp;

/// <summary>
/// Converts a CLR value to and from the bytes of one AMP value (the part after the value's
/// 16-bit length prefix). Built-in types follow Twisted's exact wire forms; derive from this class
/// to add a custom argument type and name it with <c>[AmpArgument(..., Type = typeof(MyType))]</c>.
/// </summary>
/// <typeparam name="T">The CLR type the argument carries.</typeparam>
/// <remarks>
/// Implementations must be stateless and thread-safe: one instance serves every connection.
/// They need a public parameterless constructor when named through an attribute.
/// </remarks>
public abstract class AmpArgumentType<T>
{
    /// <summary>Writes the wire form of <paramref name="value"/>.</summary>
    /// <param name="value">The value to write; never <see langword="null"/> (absent optional values are left out of the box).</param>
    /// <param name="destination">Where the bytes go. The caller checks the length limit afterwards.</param>
    /// <exception cref="ArgumentException">The value has no wire form (for example a string with a lone surrogate).</exception>
    public abstract void Write(T value, IBufferWriter<byte> destination);

    /// <summary>Reads a value from its wire form.</summary>
    /// <param name="source">The value's bytes, exactly as they were on the wire.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The bytes are not a valid wire form of this type.</exception>
    public abstract T Read(ReadOnlySpan<byte> source);
}
