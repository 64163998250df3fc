namespace Amp.Boxes;

/// <summary>One key/value pair of an <see cref="AmpBoxView"/>.</summary>
public readonly ref struct AmpBoxEntry
{
    internal AmpBoxEntry(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Key = key;
        Value = value;
    }

    /// <summary>The key's bytes (1 to 255).</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>The value's bytes (0 to 65535).</summary>
    public ReadOnlySpan<byte> Value { get; }
}
