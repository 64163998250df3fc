using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Amp.Boxes;

public sealed partial class AmpBox
{
    /// <summary>
    /// Sets a value of any size as Twisted's BigString recipe does: the first 65,535 bytes under
    /// <paramref name="key"/>, the next under <c>key.2</c>, then <c>key.3</c>, …. A value of at most
    /// 65,535 bytes is the key alone. Chunk keys left from a longer value set before are removed.
    /// </summary>
    /// <param name="key">The key: 1 to 255 characters, each U+0000 to U+00FF, and short enough for <c>key.n</c> to be a key too.</param>
    /// <param name="value">The value. The box keeps slices of it, not a copy, as the indexer does.</param>
    /// <returns>This box, for chaining.</returns>
    /// <exception cref="ArgumentException">The key is invalid, or a chunk key would be longer than 255 characters.</exception>
    public AmpBox SetBigBytes(string key, ReadOnlyMemory<byte> value)
    {
        ValidateKey(key);
        int count = ChunkKeys.Count(value.Length);
        int longest = key.Length + 1 + CountDigits(count);
        if (count > 1 && longest > AmpLimits.MaxKeyLength)
        {
            throw new ArgumentException($"A value of {value.Length} bytes needs chunk keys of {longest} characters ('{key}.{count}'); keys are at most {AmpLimits.MaxKeyLength}.", nameof(key));
        }

        _entries[key] = ChunkKeys.Chunk(value, 1);
        Span<char> name = stackalloc char[AmpLimits.MaxKeyLength + 16];
        for (int index = 2; index <= count; index++)
        {
            _entries[FormatChunkKey(key, index, name).ToString()] = ChunkKeys.Chunk(value, index);
        }

        // A reader goes on up to the first missing index: older chunks right after ours would join the value.
        var lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        for (int index = count + 1; lookup.Remove(FormatChunkKey(key, index, name)); index++)
        {
        }

        return this;
    }

    /// <summary>
    /// Reads a value set by <see cref="SetBigBytes"/> or sent by a peer with Twisted's BigString recipe:
    /// the value of <paramref name="key"/>, followed by those of <c>key.2</c>, <c>key.3</c>, … up to
    /// the first missing index.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The assembled value, a new array.</param>
    /// <returns><see langword="true"/> if <paramref name="key"/> is present.</returns>
    public bool TryGetBigBytes(string key, [NotNullWhen(true)] out byte[]? value)
    {
        if (!_entries.TryGetValue(key, out ReadOnlyMemory<byte> first))
        {
            value = null;
            return false;
        }

        var lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> name = stackalloc char[key.Length + 16];
        long length = first.Length;
        int count = 1;
        while (lookup.TryGetValue(FormatChunkKey(key, count + 1, name), out ReadOnlyMemory<byte> chunk))
        {
            length += chunk.Length;
            count++;
        }

        value = new byte[checked((int)length)];
        first.Span.CopyTo(value);
        int position = first.Length;
        for (int index = 2; index <= count; index++)
        {
            lookup.TryGetValue(FormatChunkKey(key, index, name), out ReadOnlyMemory<byte> chunk);
            chunk.Span.CopyTo(value.AsSpan(position));
            position += chunk.Length;
        }

        return true;
    }

    /// <summary>Sets text of any size, as UTF-8 (as <see cref="SetString"/>), in chunks as <see cref="SetBigBytes"/> does.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The text.</param>
    /// <returns>This box, for chaining.</returns>
    /// <exception cref="ArgumentException">The key is invalid, or a chunk key would be longer than 255 characters.</exception>
    public AmpBox SetBigString(string key, string value) => SetBigBytes(key, Encoding.UTF8.GetBytes(value));

    /// <summary>Reads text set by <see cref="SetBigString"/> or sent with Twisted's BigUnicode recipe: the chunks are joined, then decoded as UTF-8.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The text, or <see langword="null"/> if the key is absent.</returns>
    public string? GetBigString(string key) =>
        TryGetBigBytes(key, out byte[]? bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static ReadOnlySpan<char> FormatChunkKey(string key, int index, Span<char> destination)
    {
        key.CopyTo(destination);
        destination[key.Length] = '.';
        index.TryFormat(destination.Slice(key.Length + 1), out int digits, default, CultureInfo.InvariantCulture);
        return destination.Slice(0, key.Length + 1 + digits);
    }

    private static int CountDigits(int value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}
