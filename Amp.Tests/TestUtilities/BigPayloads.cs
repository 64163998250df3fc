using System.Text;

namespace Amp.Tests.TestUtilities;

/// <summary>The big values of the interop tests, made exactly as twisted_peer.py makes them (big_bytes, big_text).</summary>
internal static class BigPayloads
{
    /// <summary>The value sizes the interop tests echo: empty, one byte, one full chunk, one byte more, 4 chunks, 11 chunks.</summary>
    public static readonly int[] Sizes = [0, 1, 65535, 65536, 200_000, 700_000];

    private static readonly Lazy<byte[]> s_bytes = new(() => Xorshift32(700_000));

    /// <summary>The first <paramref name="length"/> bytes of xorshift32 from seed 0x2545F491 (twisted_peer.py's xorshift32_bytes).</summary>
    public static byte[] Bytes(int length) => length <= s_bytes.Value.Length ? s_bytes.Value.AsSpan(0, length).ToArray() : Xorshift32(length);

    /// <summary>
    /// Text of at most <paramref name="utf8Length"/> UTF-8 bytes: <c>x</c>, then snowmen (3 bytes each), so
    /// every chunk boundary (a multiple of 65,535, itself a multiple of 3) falls inside a snowman.
    /// </summary>
    public static string Text(int utf8Length) =>
        utf8Length == 0 ? "" : "x" + new string('\u2603', (utf8Length - 1) / 3);

    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);

    private static byte[] Xorshift32(int length)
    {
        uint x = 0x2545F491;
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes[i] = (byte)x;
        }

        return bytes;
    }
}
