using System.Buffers;
using System.Buffers.Binary;

namespace Amp.Arguments;

/// <summary>
/// Twisted's <c>ListOf(T)</c>: each element's wire form with a 16-bit big-endian length prefix,
/// concatenated. An empty list is an empty value.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
/// <remarks>
/// Reading follows Twisted exactly: trailing bytes too short to hold a length prefix or the whole
/// element it announces are dropped silently (<c>00 01 31 00</c> reads as <c>[1]</c>). A
/// zero-length element is passed to the element type like any other.
/// </remarks>
public sealed class ListOfArgument<T> : AmpArgumentType<IReadOnlyList<T>>
{
    private readonly AmpArgumentType<T> _elementType;

    /// <summary>Creates a list type whose elements use <paramref name="elementType"/>.</summary>
    /// <param name="elementType">The element type.</param>
    public ListOfArgument(AmpArgumentType<T> elementType)
    {
        ArgumentNullException.ThrowIfNull(elementType);
        _elementType = elementType;
    }

    /// <summary>The element type.</summary>
    public AmpArgumentType<T> ElementType => _elementType;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">An element's wire form is longer than 65535 bytes, or an element has no wire form.</exception>
    public override void Write(IReadOnlyList<T> value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(destination);
        if (value.Count == 0)
        {
            return;
        }

        // IBufferWriter cannot patch a length in after the fact, so each element is staged here.
        var element = new ArrayBufferWriter<byte>(64);
        for (int i = 0; i < value.Count; i++)
        {
            element.ResetWrittenCount();
            _elementType.Write(value[i], element);
            ReadOnlySpan<byte> bytes = element.WrittenSpan;
            if (bytes.Length > ushort.MaxValue)
            {
                ThrowHelper.ThrowArgument($"List element {i} is {bytes.Length} bytes long; the limit is 65535.", nameof(value));
            }

            Span<byte> span = destination.GetSpan(2 + bytes.Length);
            BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)bytes.Length);
            bytes.CopyTo(span[2..]);
            destination.Advance(2 + bytes.Length);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="FormatException">An element is not a valid wire form of the element type.</exception>
    public override IReadOnlyList<T> Read(ReadOnlySpan<byte> source)
    {
        var result = new List<T>();
        while (source.Length >= 2)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(source);
            if (source.Length - 2 < length)
            {
                break;
            }

            result.Add(_elementType.Read(source.Slice(2, length)));
            source = source[(2 + length)..];
        }

        return result;
    }
}
