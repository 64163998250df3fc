using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Amp.Boxes;

namespace Amp.Fuzz.Targets;

/// <summary>
/// The incremental box parser, <see cref="BoxReader.TryReadBox(ref ReadOnlySequence{byte}, AmpLimits, out AmpBoxView)"/>.
/// </summary>
/// <remarks>
/// <para>Input: <c>[config] [cut bytes] [stream]</c>. Bits 0-2 of config pick the limits, bits 3-6 say how
/// many cut bytes follow (0-15; each cuts the stream at <c>cut * length / 255</c>, so pieces may be
/// empty), bit 7 also feeds the stream one byte per piece (streams up to 512 bytes).</para>
/// <para>Invariants:</para>
/// <list type="number">
/// <item>Only <see cref="AmpProtocolException"/> escapes, with a parser's error code (DESIGN.md, bad input).</item>
/// <item>The stream read whole, read as it arrives in the chosen pieces, and read one byte a piece gives the same
/// boxes and ends the same way: incomplete with the same leftover, or the same error.</item>
/// <item>A <see langword="false"/> return or an exception leaves the buffer as it was; a <see langword="true"/> one
/// advances it exactly past the box, whose bytes are the stream's.</item>
/// <item>Every box keeps the limits; the view, the <see cref="AmpBox"/> and an independent walk of the bytes agree
/// (the last duplicate key wins); writing the box and reading it again gives the same box, canonically.</item>
/// </list>
/// </remarks>
public static class BoxParserTarget
{
    private const int OneBytePiecesUpTo = 512;

    private static readonly AmpLimits[] s_limits =
    [
        AmpLimits.Default,
        new() { MaxValueLength = 16, MaxBoxBytes = 64, MaxKeysPerBox = 4 },
        new() { MaxBoxBytes = 2 },
        new() { MaxKeysPerBox = 1, MaxValueLength = 0 },
        new() { MaxValueLength = 300, MaxBoxBytes = 700, MaxKeysPerBox = 16 },
        new() { MaxBoxBytes = 300 },
        new() { MaxKeysPerBox = 2 },
        new() { MaxValueLength = 1 },
    ];

    /// <summary>Runs one input.</summary>
    /// <param name="input">The config byte, the cut bytes, then the stream.</param>
    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        byte config = input[0];
        AmpLimits limits = s_limits[config & 7];
        int header = Math.Min(input.Length, 1 + ((config >> 3) & 15));
        byte[] stream = input[header..].ToArray();

        Outcome whole = Parse(stream, [stream.Length], limits);
        foreach (byte[] box in whole.Boxes)
        {
            CheckBox(box, limits);
        }

        Compare(whole, Parse(stream, Pieces(stream.Length, input[1..header]), limits), "cut at the chosen points");
        if ((config & 0x80) != 0 && stream.Length <= OneBytePiecesUpTo)
        {
            Compare(whole, Parse(stream, Enumerable.Repeat(1, stream.Length).ToArray(), limits), "one byte per piece");
        }
    }

    private static int[] Pieces(int length, ReadOnlySpan<byte> cuts)
    {
        var positions = new List<int>(cuts.Length + 2) { 0, length };
        foreach (byte cut in cuts)
        {
            positions.Add(cut * length / 255);
        }

        positions.Sort();
        var pieces = new int[positions.Count - 1];
        for (int i = 0; i < pieces.Length; i++)
        {
            pieces[i] = positions[i + 1] - positions[i];
        }

        return pieces;
    }

    /// <summary>Feeds the stream piece by piece, as a read loop over a pipe does, and reads every box it can.</summary>
    private static Outcome Parse(byte[] stream, int[] pieces, AmpLimits limits)
    {
        var boxes = new List<byte[]>();
        var pending = new List<ReadOnlyMemory<byte>>();
        int offset = 0;
        int consumed = 0;
        foreach (int length in pieces)
        {
            pending.Add(stream.AsMemory(offset, length));
            offset += length;
            ReadOnlySequence<byte> buffer = Sequences.Create(pending);
            while (true)
            {
                ReadOnlySequence<byte> before = buffer;
                bool read;
                AmpBoxView view;
                try
                {
                    read = BoxReader.TryReadBox(ref buffer, limits, out view);
                }
                catch (AmpProtocolException e)
                {
                    FuzzInvariantException.Check(
                        e.Error is AmpProtocolError.KeyTooLong or AmpProtocolError.ValueTooLong or AmpProtocolError.BoxTooLarge or AmpProtocolError.TooManyKeys,
                        $"the parser threw a connection-level error code: {e.Error}");
                    CheckUnchanged(before, buffer, "an exception");
                    return new Outcome(boxes, 0, e.Error);
                }

                if (!read)
                {
                    CheckUnchanged(before, buffer, "false");
                    break;
                }

                using (view)
                {
                    long length2 = before.Length - buffer.Length;
                    FuzzInvariantException.Check(length2 == view.Bytes.Length && length2 > 0, $"the buffer advanced {length2} bytes for a box of {view.Bytes.Length}");
                    FuzzInvariantException.Check(buffer.End.Equals(before.End), "the buffer's end moved");
                    FuzzInvariantException.Check(
                        view.Bytes.Span.SequenceEqual(stream.AsSpan(consumed, view.Bytes.Length)),
                        $"the box at offset {consumed} is not the stream's bytes");
                    consumed += view.Bytes.Length;
                    boxes.Add(view.Bytes.ToArray());
                }
            }

            pending = Sequences.SegmentsOf(buffer);
        }

        return new Outcome(boxes, stream.Length - consumed, null);
    }

    private static void CheckUnchanged(in ReadOnlySequence<byte> before, in ReadOnlySequence<byte> after, string how) =>
        FuzzInvariantException.Check(
            before.Start.Equals(after.Start) && before.End.Equals(after.End),
            $"the parser moved the buffer although it returned {how}");

    private static void Compare(Outcome expected, Outcome actual, string how)
    {
        FuzzInvariantException.Check(
            actual.Boxes.Count == expected.Boxes.Count,
            $"{how}: {actual.Boxes.Count} boxes, whole: {expected.Boxes.Count}");
        for (int i = 0; i < expected.Boxes.Count; i++)
        {
            FuzzInvariantException.Check(actual.Boxes[i].AsSpan().SequenceEqual(expected.Boxes[i]), $"{how}: box {i} differs");
        }

        FuzzInvariantException.Check(
            actual.Error == expected.Error && actual.Leftover == expected.Leftover,
            $"{how}: ends with error={actual.Error} leftover={actual.Leftover}, whole: error={expected.Error} leftover={expected.Leftover}");
    }

    /// <summary>Checks one complete box against the limits, an independent walk, the AmpBox form and a write/read round trip.</summary>
    private static void CheckBox(byte[] bytes, AmpLimits limits)
    {
        FuzzInvariantException.Check(bytes.Length <= limits.MaxBoxBytes, $"a box of {bytes.Length} bytes passed the limit of {limits.MaxBoxBytes}");
        var expected = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        int entries = 0;
        int pos = 0;
        while (true)
        {
            int keyLength = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(pos));
            pos += 2;
            if (keyLength == 0)
            {
                break;
            }

            FuzzInvariantException.Check(keyLength <= AmpLimits.MaxKeyLength, $"a key of {keyLength} bytes was accepted");
            string key = Encoding.Latin1.GetString(bytes, pos, keyLength);
            pos += keyLength;
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(pos));
            pos += 2;
            FuzzInvariantException.Check(valueLength <= limits.MaxValueLength, $"a value of {valueLength} bytes passed the limit of {limits.MaxValueLength}");
            expected[key] = bytes.AsSpan(pos, valueLength).ToArray();
            pos += valueLength;
            entries++;
        }

        FuzzInvariantException.Check(pos == bytes.Length, $"the end marker is at {pos - 2}, the box is {bytes.Length} bytes long");
        FuzzInvariantException.Check(entries <= limits.MaxKeysPerBox, $"a box of {entries} keys passed the limit of {limits.MaxKeysPerBox}");

        var sequence = new ReadOnlySequence<byte>(bytes);
        FuzzInvariantException.Check(BoxReader.TryReadBox(ref sequence, limits, out AmpBoxView view) && sequence.IsEmpty, "a box read from a stream does not read alone");
        using (view)
        {
            FuzzInvariantException.Check(view.Count == entries, $"the view counts {view.Count} entries, the bytes hold {entries}");
            foreach (KeyValuePair<string, byte[]> entry in expected)
            {
                FuzzInvariantException.Check(
                    view.TryGetValue(Encoding.Latin1.GetBytes(entry.Key), out ReadOnlySpan<byte> value) && value.SequenceEqual(entry.Value),
                    "the view's lookup does not give the last duplicate's value");
            }
        }

        sequence = new ReadOnlySequence<byte>(bytes);
        FuzzInvariantException.Check(BoxReader.TryReadBox(ref sequence, limits, out AmpBox? box) && sequence.IsEmpty, "the AmpBox overload does not read the box");
        CheckSame(expected, box!, "the AmpBox");

        byte[] written = BoxWriter.Serialize(box!);
        FuzzInvariantException.Check(written.Length <= bytes.Length, $"writing a box of {bytes.Length} bytes took {written.Length}");
        sequence = new ReadOnlySequence<byte>(written);
        FuzzInvariantException.Check(BoxReader.TryReadBox(ref sequence, limits, out AmpBox? again) && sequence.IsEmpty, "a written box does not read back");
        CheckSame(expected, again!, "the box written and read again");
        FuzzInvariantException.Check(BoxWriter.Serialize(again!).AsSpan().SequenceEqual(written), "writing is not canonical");
    }

    private static void CheckSame(Dictionary<string, byte[]> expected, AmpBox box, string what)
    {
        FuzzInvariantException.Check(box.Count == expected.Count, $"{what} has {box.Count} keys, the bytes {expected.Count}");
        foreach (KeyValuePair<string, byte[]> entry in expected)
        {
            FuzzInvariantException.Check(
                box.TryGetValue(entry.Key, out ReadOnlyMemory<byte> value) && value.Span.SequenceEqual(entry.Value),
                $"{what} differs at key {entry.Key}");
        }
    }

    private sealed record Outcome(List<byte[]> Boxes, int Leftover, AmpProtocolError? Error);
}
