using System.Buffers;
using Amp.Boxes;

namespace Amp.Descriptors;

/// <summary>
/// The chunks after the first of the big values in one box being written. Their keys
/// (<c>name.10</c>, <c>name.2</c>, …) sort among the box's other keys, so the record writes them
/// merged with its own fields and reserved keys: before writing a key it lets these write every chunk
/// whose key sorts first. Created only for a box with a value over 65,535 bytes.
/// </summary>
internal sealed class ChunkRuns : IDisposable
{
    private readonly List<Run> _runs = new(1);

    /// <summary>Takes the chunks 2 and up of <paramref name="value"/>, and <paramref name="rented"/> to return when done.</summary>
    public void Add(ReadOnlySpan<byte> name, ReadOnlyMemory<byte> value, byte[]? rented)
    {
        var run = new Run(name, value, rented);
        if (run.MoveNext())
        {
            _runs.Add(run);
        }
        else
        {
            run.Dispose();
        }
    }

    /// <summary>Writes, in key order, every pending chunk whose key sorts before <paramref name="key"/>.</summary>
    public void WriteBefore(ReadOnlySpan<byte> key, BoxBuffer buffer)
    {
        while (_runs.Count > 0)
        {
            int first = 0;
            for (int i = 1; i < _runs.Count; i++)
            {
                if (_runs[i].Key.SequenceCompareTo(_runs[first].Key) < 0)
                {
                    first = i;
                }
            }

            // A chunk key never equals another key of the box: registration refuses field names that are
            // chunk keys, and reserved keys have no '.'.
            Run run = _runs[first];
            if (!key.IsEmpty && run.Key.SequenceCompareTo(key) > 0)
            {
                return;
            }

            buffer.WriteEntry(run.Key, run.Chunk.Span);
            if (!run.MoveNext())
            {
                run.Dispose();
                _runs.RemoveAt(first);
            }
        }
    }

    /// <summary>Writes every pending chunk, in key order.</summary>
    public void WriteRest(BoxBuffer buffer) => WriteBefore(default, buffer);

    /// <summary>Returns the pooled arrays of runs not written to the end (the box was abandoned).</summary>
    public void Dispose()
    {
        foreach (Run run in _runs)
        {
            run.Dispose();
        }

        _runs.Clear();
    }

    private sealed class Run : IDisposable
    {
        private readonly byte[] _key;
        private readonly int _nameLength;
        private readonly ReadOnlyMemory<byte> _value;
        private byte[]? _rented;
        private ChunkKeyOrder _order;
        private int _keyLength;

        public Run(ReadOnlySpan<byte> name, ReadOnlyMemory<byte> value, byte[]? rented)
        {
            _key = new byte[name.Length + 1 + ChunkKeys.MaxWrittenIndexDigits];
            _nameLength = name.Length;
            name.CopyTo(_key);
            _key[name.Length] = (byte)'.';
            _value = value;
            _rented = rented;
            _order = new ChunkKeyOrder(ChunkKeys.Count(value.Length));
        }

        public ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

        public ReadOnlyMemory<byte> Chunk => ChunkKeys.Chunk(_value, _order.Current);

        public bool MoveNext()
        {
            if (!_order.MoveNext())
            {
                return false;
            }

            _order.Current.TryFormat(_key.AsSpan(_nameLength + 1), out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
            _keyLength = _nameLength + 1 + digits;
            return true;
        }

        public void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
                _rented = null;
            }
        }
    }
}
