using System.Globalization;
using Amp.Boxes;

namespace Amp.Tests.Faults;

/// <summary>
/// Where to cut a change's byte stream: at every offset, or, for the TLS changes in the default run (their
/// streams are thousands of bytes, and most cuts cost a handshake), at every offset of the plaintext boxes
/// that announce the change, and around every unit after them (a TLS record, or a box after a pop): at its
/// start, inside its 5-byte header, right after the header, one byte before its end, and at one offset
/// inside drawn from a seeded <see cref="Random"/> (the seed is printed). AMP_FAULTS_FULL=1 cuts the TLS
/// changes at every offset too.
/// </summary>
internal static class FaultOffsets
{
    /// <summary>Whether every offset of every change is cut (AMP_FAULTS_FULL=1).</summary>
    public static bool Full => Environment.GetEnvironmentVariable("AMP_FAULTS_FULL") == "1";

    /// <summary>A seed for the offsets drawn inside units, printed; AMP_FAULTS_SEED replays one.</summary>
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("AMP_FAULTS_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed)
            ? seed
            : Random.Shared.Next();

    /// <summary>
    /// The offsets to cut at, from 0 (nothing of the change passes) to the stream's length (all of it passes,
    /// the cut comes at the end).
    /// </summary>
    public static IReadOnlyList<long> Choose(byte[] stream, bool everyOffset, Random random)
    {
        var chosen = new SortedSet<long> { stream.Length };
        bool announced = false;
        foreach ((int start, int length, string kind) in Units(stream))
        {
            int end = start + length;
            announced |= kind != "box";
            if (everyOffset || !announced)
            {
                for (int offset = start; offset < end; offset++)
                {
                    chosen.Add(offset);
                }

                continue;
            }

            // At the boundary, inside the record header, right after it, one byte short of the whole unit.
            foreach (int offset in new[] { start, start + 1, start + 4, start + 5, end - 1 })
            {
                chosen.Add(Math.Min(offset, end - 1));
            }

            if (end - start > 7)
            {
                chosen.Add(random.Next(start + 6, end - 1));
            }
        }

        return chosen.ToList();
    }

    /// <summary>Describes the stream's units, for the test's output: "box 43, tls(22) 1234, ...".</summary>
    public static string Describe(byte[] stream) =>
        string.Join(", ", Units(stream).Select(unit => $"{unit.Kind} {unit.Length}"));

    /// <summary>
    /// Splits the stream into AMP boxes and TLS records, from the start; whatever follows that is neither
    /// (raw bytes) is one unit. Compression frames are not recognised (their 4-byte length can read as an
    /// empty box and more), which matters not: the compression changes are cut at every offset.
    /// </summary>
    public static IEnumerable<(int Start, int Length, string Kind)> Units(byte[] stream)
    {
        int position = 0;
        while (position < stream.Length)
        {
            ReadOnlySpan<byte> rest = stream.AsSpan(position);
            (int length, string kind) = rest switch
            {
                [>= 20 and <= 23, 3, >= 1 and <= 4, byte high, byte low, ..] => (5 + (high << 8 | low), $"tls({rest[0]})"),
                [0, ..] when BoxLength(rest) is > 0 and var box => (box, "box"),
                _ => (rest.Length, "other"),
            };
            length = Math.Min(length, rest.Length);
            yield return (position, length, kind);
            position += length;
        }
    }

    private static int BoxLength(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return BoxScanner.Scan(bytes, AmpLimits.Default, out _);
        }
        catch (AmpProtocolException)
        {
            return -1;
        }
    }

    private static void AddRange(SortedSet<long> chosen, int from, int to)
    {
        for (int offset = from; offset < to; offset++)
        {
            chosen.Add(offset);
        }
    }
}
