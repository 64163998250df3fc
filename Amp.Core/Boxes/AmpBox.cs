using System.Buffers;
using System.Collections;
using System.Text;

namespace Amp.Boxes;

/// <summary>
/// An AMP box that owns its keys and values: the untyped form used by
/// <c>CallRemoteStringAsync</c> and by code that handles boxes directly.
/// </summary>
/// <remarks>
/// Keys are bytes on the wire. Here they are strings in which each character stands for one byte
/// (U+0000 to U+00FF, as Latin-1), so every key round-trips; plain ASCII keys read naturally.
/// Setting a key twice keeps the last value, as Twisted's dictionary does. Boxes are written with
/// their keys sorted bytewise, as Twisted writes them.
/// </remarks>
public sealed partial class AmpBox : IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>>
{
    private readonly Dictionary<string, ReadOnlyMemory<byte>> _entries;

    /// <summary>Creates an empty box.</summary>
    public AmpBox()
        : this(0)
    {
    }

    /// <summary>Creates an empty box with room for <paramref name="capacity"/> keys.</summary>
    /// <param name="capacity">The expected number of keys.</param>
    public AmpBox(int capacity)
    {
        _entries = new Dictionary<string, ReadOnlyMemory<byte>>(capacity, StringComparer.Ordinal);
    }

    /// <summary>The number of keys.</summary>
    public int Count => _entries.Count;

    /// <summary>The keys, in no particular order.</summary>
    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>Gets or sets the raw value of a key.</summary>
    /// <param name="key">The key: 1 to 255 characters, each U+0000 to U+00FF.</param>
    /// <exception cref="KeyNotFoundException">Getting a key that is not present.</exception>
    /// <exception cref="ArgumentException">Setting an invalid key.</exception>
    public ReadOnlyMemory<byte> this[string key]
    {
        get => _entries[key];
        set
        {
            ValidateKey(key);
            _entries[key] = value;
        }
    }

    /// <summary>Sets a key to the UTF-8 bytes of <paramref name="value"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The text.</param>
    /// <returns>This box, for chaining.</returns>
    public AmpBox SetString(string key, string value)
    {
        this[key] = Encoding.UTF8.GetBytes(value);
        return this;
    }

    /// <summary>Reads a key's value as UTF-8 text.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The text, or <see langword="null"/> if the key is absent.</returns>
    public string? GetString(string key) =>
        _entries.TryGetValue(key, out ReadOnlyMemory<byte> value) ? Encoding.UTF8.GetString(value.Span) : null;

    /// <summary>Finds the value of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> if present.</returns>
    public bool TryGetValue(string key, out ReadOnlyMemory<byte> value) => _entries.TryGetValue(key, out value);

    /// <summary>Whether the key is present.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> if present.</returns>
    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> if it was present.</returns>
    public bool Remove(string key) => _entries.Remove(key);

    /// <summary>Writes the box, keys sorted bytewise, to <paramref name="destination"/>.</summary>
    /// <param name="destination">Where the bytes go.</param>
    /// <exception cref="ArgumentException">A value is longer than 65535 bytes.</exception>
    public void WriteTo(IBufferWriter<byte> destination) => BoxWriter.Write(this, destination);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, ReadOnlyMemory<byte>>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A readable dump: keys sorted, values as text where printable, else hex.</summary>
    /// <returns>The dump.</returns>
    public override string ToString()
    {
        var keys = new List<string>(_entries.Keys);
        keys.Sort(StringComparer.Ordinal);
        var text = new StringBuilder("{");
        foreach (string key in keys)
        {
            if (text.Length > 1)
            {
                text.Append(", ");
            }

            text.Append(key).Append(": ").Append(WireText.Describe(_entries[key].Span));
        }

        return text.Append('}').ToString();
    }

    /// <summary>Copies a complete box from its wire bytes (end marker included).</summary>
    /// <param name="box">The box's bytes, already validated by <see cref="BoxReader"/>.</param>
    /// <returns>A new box.</returns>
    internal static AmpBox FromBytes(ReadOnlySpan<byte> box)
    {
        var result = new AmpBox();
        var entries = new AmpBoxView.Enumerator(box);
        while (entries.MoveNext())
        {
            result.Set(entries.Current.Key, entries.Current.Value);
        }

        return result;
    }

    internal void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        _entries[Encoding.Latin1.GetString(key)] = value.ToArray();

    internal static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > AmpLimits.MaxKeyLength)
        {
            throw new ArgumentException($"A key must be 1 to {AmpLimits.MaxKeyLength} bytes long; this one is {key.Length}.", nameof(key));
        }

        foreach (char c in key)
        {
            if (c > '\u00FF')
            {
                throw new ArgumentException($"Key characters stand for bytes and must be U+0000 to U+00FF; '{c}' is not.", nameof(key));
            }
        }
    }
}
