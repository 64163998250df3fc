using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Amp.Boxes;

/// <summary>Writes boxes in Twisted's exact byte layout: keys sorted bytewise, then the end marker.</summary>
public static class BoxWriter
{
    /// <summary>Writes <paramref name="box"/> to <paramref name="destination"/>.</summary>
    /// <param name="box">The box.</param>
    /// <param name="destination">Where the bytes go.</param>
    /// <exception cref="ArgumentException">A value is longer than 65535 bytes; nothing is written.</exception>
    public static void Write(AmpBox box, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(box);
        ArgumentNullException.ThrowIfNull(destination);
        var keys = new List<string>(box.Keys);
        keys.Sort(StringComparer.Ordinal);
        int total = 2;
        foreach (string key in keys)
        {
            int valueLength = box[key].Length;
            if (valueLength > AmpLimits.WireMaxValueLength)
            {
                throw new ArgumentException($"The value of key '{key}' is {valueLength} bytes long; the limit is {AmpLimits.WireMaxValueLength}.", nameof(box));
            }

            total += 4 + key.Length + valueLength;
        }

        Span<byte> span = destination.GetSpan(total);
        int pos = 0;
        foreach (string key in keys)
        {
            ReadOnlySpan<byte> value = box[key].Span;
            BinaryPrimitives.WriteUInt16BigEndian(span.Slice(pos), (ushort)key.Length);
            pos += 2;
            pos += Encoding.Latin1.GetBytes(key, span.Slice(pos));
            BinaryPrimitives.WriteUInt16BigEndian(span.Slice(pos), (ushort)value.Length);
            pos += 2;
            value.CopyTo(span.Slice(pos));
            pos += value.Length;
        }

        span[pos] = 0;
        span[pos + 1] = 0;
        destination.Advance(total);
    }

    /// <summary>Returns the bytes of <paramref name="box"/> as a new array.</summary>
    /// <param name="box">The box.</param>
    /// <returns>The serialized box.</returns>
    /// <exception cref="ArgumentException">A value is longer than 65535 bytes.</exception>
    public static byte[] Serialize(AmpBox box)
    {
        var writer = new ArrayBufferWriter<byte>();
        Write(box, writer);
        return writer.WrittenSpan.ToArray();
    }
}
