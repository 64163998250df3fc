using System.Buffers;
using System.Buffers.Binary;

namespace Amp.Boxes;

/// <summary>
/// Finds where a box ends by walking its length prefixes, checking every limit as soon as a prefix is
/// readable. Values are skipped by length, so a rescan after more bytes arrive costs O(keys).
/// </summary>
internal static class BoxScanner
{
    /// <summary>Scans a contiguous span. Returns the box length, or -1 if the box is not complete yet.</summary>
    public static int Scan(ReadOnlySpan<byte> span, AmpLimits limits, out int keyCount)
    {
        int pos = 0;
        keyCount = 0;
        while (true)
        {
            if (span.Length - pos < 2)
            {
                return -1;
            }

            int keyLength = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(pos));
            if (keyLength > AmpLimits.MaxKeyLength)
            {
                ThrowHelper.ThrowKeyTooLong(keyLength);
            }

            pos += 2;
            if (keyLength == 0)
            {
                return pos;
            }

            CheckKey(++keyCount, (long)pos + keyLength + 4, limits);
            if (span.Length - pos < keyLength + 2)
            {
                return -1;
            }

            pos += keyLength;
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(pos));
            pos += 2;
            CheckValue(valueLength, (long)pos + valueLength + 2, limits);
            if (span.Length - pos < valueLength)
            {
                return -1;
            }

            pos += valueLength;
        }
    }

    /// <summary>Scans a box that may span segments. Returns the box length, or -1 if not complete yet.</summary>
    public static long Scan(in ReadOnlySequence<byte> sequence, AmpLimits limits, out int keyCount)
    {
        var reader = new SequenceReader<byte>(sequence);
        keyCount = 0;
        while (true)
        {
            if (!reader.TryReadBigEndian(out short rawKeyLength))
            {
                return -1;
            }

            int keyLength = (ushort)rawKeyLength;
            if (keyLength > AmpLimits.MaxKeyLength)
            {
                ThrowHelper.ThrowKeyTooLong(keyLength);
            }

            if (keyLength == 0)
            {
                return reader.Consumed;
            }

            CheckKey(++keyCount, reader.Consumed + keyLength + 4, limits);
            if (reader.Remaining < keyLength + 2)
            {
                return -1;
            }

            reader.Advance(keyLength);
            reader.TryReadBigEndian(out short rawValueLength);
            int valueLength = (ushort)rawValueLength;
            CheckValue(valueLength, reader.Consumed + valueLength + 2, limits);
            if (reader.Remaining < valueLength)
            {
                return -1;
            }

            reader.Advance(valueLength);
        }
    }

    private static void CheckKey(int keyCount, long minimumBoxLength, AmpLimits limits)
    {
        if (keyCount > limits.MaxKeysPerBox)
        {
            ThrowHelper.ThrowTooManyKeys(limits.MaxKeysPerBox);
        }

        if (minimumBoxLength > limits.MaxBoxBytes)
        {
            ThrowHelper.ThrowBoxTooLarge(minimumBoxLength, limits.MaxBoxBytes);
        }
    }

    private static void CheckValue(int valueLength, long minimumBoxLength, AmpLimits limits)
    {
        if (valueLength > limits.MaxValueLength)
        {
            ThrowHelper.ThrowValueTooLong(valueLength, limits.MaxValueLength);
        }

        if (minimumBoxLength > limits.MaxBoxBytes)
        {
            ThrowHelper.ThrowBoxTooLarge(minimumBoxLength, limits.MaxBoxBytes);
        }
    }
}
