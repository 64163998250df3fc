using Amp.Boxes;

namespace Amp.Benchmarks;

/// <summary>The box every codec benchmark uses: a <c>Sum</c> call with two small arguments.</summary>
internal static class SampleBoxes
{
    /// <summary>
    /// <c>00 04 _ask 00 01 1 00 08 _command 00 03 Sum 00 01 a 00 02 13 00 01 b 00 02 81 00 00</c>
    /// (keys sorted, as Twisted writes them).
    /// </summary>
    public static readonly byte[] SumCall =
    [
        0, 4, .. "_ask"u8, 0, 1, .. "1"u8,
        0, 8, .. "_command"u8, 0, 3, .. "Sum"u8,
        0, 1, .. "a"u8, 0, 2, .. "13"u8,
        0, 1, .. "b"u8, 0, 2, .. "81"u8,
        0, 0,
    ];

    public static SumCommand SumCommand => new() { A = 13, B = 81 };

    /// <summary>The same box as an untyped <see cref="AmpBox"/>.</summary>
    public static AmpBox SumAmpBox() => new AmpBox(4)
        .SetString("_ask", "1")
        .SetString("_command", "Sum")
        .SetString("a", "13")
        .SetString("b", "81");

    /// <summary><paramref name="count"/> copies of <see cref="SumCall"/> back to back in one array.</summary>
    public static byte[] Repeated(int count)
    {
        byte[] result = new byte[SumCall.Length * count];
        for (int i = 0; i < count; i++)
        {
            SumCall.CopyTo(result, i * SumCall.Length);
        }

        return result;
    }
}
