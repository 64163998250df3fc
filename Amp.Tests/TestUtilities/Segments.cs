using System.Buffers;

namespace Amp.Tests.TestUtilities;

/// <summary>Builds multi-segment sequences so parsers see every possible split.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, IReadOnlyList<int> lengths)
    {
        if (lengths.Count <= 1)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        Segment? first = null;
        Segment? last = null;
        int offset = 0;
        foreach (int length in lengths)
        {
            var memory = new ReadOnlyMemory<byte>(bytes, offset, length);
            offset += length;
            if (first is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last!.Append(memory);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    public static int[] OneBytePerSegment(int total) => Enumerable.Repeat(1, total).ToArray();

    public static int[] CutAt(int total, int cut) => cut <= 0 || cut >= total ? [total] : [cut, total - cut];

    public static int[] Random(int total, Random random)
    {
        var lengths = new List<int>();
        while (total > 0)
        {
            int length = Math.Min(total, random.Next(1, 9));
            lengths.Add(length);
            total -= length;
        }

        return lengths.ToArray();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
