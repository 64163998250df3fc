using Amp.Boxes;

namespace Amp.Tool.Values;

/// <summary>
/// The BigString / BigUnicode recipe (spec/amp-wire.md §6.8): a value of any size in 65,535-byte chunks
/// under <c>key</c>, <c>key.2</c>, <c>key.3</c>, …; the peer must declare the argument the same way.
/// </summary>
internal sealed class BigType(bool text) : WireType
{
    private readonly ScalarType _inner = text ? ScalarType.Text : ScalarType.Bytes;

    public override string Name => text ? "bigtext" : "bigbytes";

    public override byte[] Encode(ReadOnlySpan<byte> input) => _inner.Encode(input);

    public override object Decode(ReadOnlySpan<byte> value) => _inner.Decode(value);

    public override void Write(AmpBox box, string key, byte[] wireValue) => box.SetBigBytes(key, wireValue);

    public override IReadOnlyList<string> TryRead(AmpBox box, string key, out byte[]? wireValue)
    {
        if (!box.TryGetBigBytes(key, out wireValue))
        {
            return [];
        }

        var keys = new List<string> { key };
        for (int index = 2; box.ContainsKey($"{key}.{index}"); index++)
        {
            keys.Add($"{key}.{index}");
        }

        return keys;
    }
}
