namespace Amp.Boxes;

/// <summary>
/// The keys of a value of any size under Twisted's BigString recipe: the first chunk (at most 65,535
/// bytes) under the value's name, the n-th chunk (n ≥ 2) under <c>name.n</c>, with n written as Python's
/// <c>%d</c> writes it (plain decimal, no sign, no leading zero). A reader takes <c>name</c>, then
/// <c>name.2</c>, <c>name.3</c>, … up to the first index that is missing.
/// </summary>
internal static class ChunkKeys
{
    /// <summary>The bytes in every chunk but the last (the recipe's <c>CHUNK_MAX</c>).</summary>
    public const int ChunkLength = AmpLimits.WireMaxValueLength;

    /// <summary>
    /// The most digits an index read from a key may have. A run of chunks up to index n needs n − 1
    /// keys besides the name, so an index of ten digits could only be reached in a box of over 4 GB:
    /// such a key is never looked up, as no reader could count that far.
    /// </summary>
    public const int MaxIndexDigits = 9;

    /// <summary>The most digits an index written for a .NET value has: 2^31 bytes make at most 32,769 chunks.</summary>
    public const int MaxWrittenIndexDigits = 5;

    /// <summary>The longest name of a big value whose chunk keys all fit the 255-byte key limit.</summary>
    public const int MaxNameLength = AmpLimits.MaxKeyLength - 1 - MaxWrittenIndexDigits;

    /// <summary>How many chunks a value of <paramref name="length"/> bytes takes (an empty value takes one, empty).</summary>
    public static int Count(int length) => length <= ChunkLength ? 1 : (int)(((long)length + ChunkLength - 1) / ChunkLength);

    /// <summary>The chunk with the 1-based <paramref name="index"/> of <paramref name="value"/>.</summary>
    public static ReadOnlyMemory<byte> Chunk(ReadOnlyMemory<byte> value, int index)
    {
        int start = (index - 1) * ChunkLength;
        return value.Slice(start, Math.Min(ChunkLength, value.Length - start));
    }

    /// <summary>
    /// The index of <paramref name="key"/> as a chunk key of <paramref name="name"/>, or 0 if it is not
    /// one the recipe would look up: <c>name.1</c>, <c>name.0</c>, <c>name.02</c>, <c>name.+2</c>,
    /// <c>name.x</c> and indexes of more than <see cref="MaxIndexDigits"/> digits are not.
    /// </summary>
    public static int ParseIndex(ReadOnlySpan<byte> key, ReadOnlySpan<byte> name)
    {
        int digitCount = key.Length - name.Length - 1;
        if (digitCount is < 1 or > MaxIndexDigits || key[name.Length] != (byte)'.' || !key.StartsWith(name))
        {
            return 0;
        }

        ReadOnlySpan<byte> digits = key.Slice(name.Length + 1);
        if (digits[0] == (byte)'0')
        {
            return 0;
        }

        int index = 0;
        foreach (byte b in digits)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9)
            {
                return 0;
            }

            index = (index * 10) + (int)digit;
        }

        return index >= 2 ? index : 0;
    }
}
