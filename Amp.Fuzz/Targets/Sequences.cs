using System.Buffers;

namespace Amp.Fuzz.Targets;

/// <summary>Builds <see cref="ReadOnlySequence{T}"/>s with chosen segment boundaries, as a pipe hands them out.</summary>
internal static class Sequences
{
    public static ReadOnlySequence<byte> Create(IReadOnlyList<ReadOnlyMemory<byte>> segments)
    {
        if (segments.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        if (segments.Count == 1)
        {
            return new ReadOnlySequence<byte>(segments[0]);
        }

        var first = new Segment(segments[0], 0);
        Segment last = first;
        for (int i = 1; i < segments.Count; i++)
        {
            last = last.Append(segments[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>The segments of <paramref name="sequence"/>, empty ones included.</summary>
    public static List<ReadOnlyMemory<byte>> SegmentsOf(in ReadOnlySequence<byte> sequence)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        foreach (ReadOnlyMemory<byte> memory in sequence)
        {
            segments.Add(memory);
        }

        return segments;
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
