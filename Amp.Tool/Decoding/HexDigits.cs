namespace Amp.Tool.Decoding;

/// <summary>
/// Turns hexadecimal text into bytes as it arrives, a chunk at a time: pairs of digits (either case),
/// with spaces, line breaks, colons and commas between them ignored; a pair may be cut between chunks.
/// </summary>
internal sealed class HexDigits
{
    private int _high = -1;
    private long _position;

    /// <summary>Whether a digit is waiting for the second of its pair.</summary>
    public bool HasHalfByte => _high >= 0;

    /// <summary>Appends the bytes of <paramref name="text"/> to <paramref name="output"/>.</summary>
    /// <exception cref="FormatException">A character is neither a hex digit nor a separator (its position is named).</exception>
    public void Convert(ReadOnlySpan<byte> text, List<byte> output)
    {
        foreach (byte c in text)
        {
            _position++;
            int digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)':' or (byte)',' => -1,
                _ => throw new FormatException($"character {_position} of the hex text is '{(c is >= 0x20 and < 0x7f ? ((char)c).ToString() : $"\\x{c:x2}")}', not a hex digit"),
            };
            if (digit < 0)
            {
                continue;
            }

            if (_high < 0)
            {
                _high = digit;
            }
            else
            {
                output.Add((byte)(_high << 4 | digit));
                _high = -1;
            }
        }
    }
}
