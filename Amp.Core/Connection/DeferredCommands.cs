using Amp.Boxes;

namespace Amp.Connection;

/// <summary>
/// Commands read while no responder slot or writer room was free, set aside in arrival order so the
/// read loop can go on reading answers (a responder waiting on the peer's answer must not be blocked
/// by a command queued behind it). Bounded in bytes; at the bound, reading pauses instead.
/// </summary>
internal sealed class DeferredCommands
{
    private readonly Queue<byte[]> _boxes = new();
    private readonly long _maxBytes;
    private long _bytes;
    private int _count;

    public DeferredCommands(long maxBytes)
    {
        _maxBytes = maxBytes;
    }

    /// <summary>How many commands wait; safe to read from any thread.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Copies a command box aside; returns <see langword="false"/> if that would pass the bound.</summary>
    public bool TryAdd(ReadOnlySpan<byte> box)
    {
        if (_bytes + box.Length > _maxBytes)
        {
            return false;
        }

        _boxes.Enqueue(box.ToArray());
        _bytes += box.Length;
        Volatile.Write(ref _count, _boxes.Count);
        return true;
    }

    public bool TryTake(out AmpBoxView box)
    {
        if (!_boxes.TryDequeue(out byte[]? bytes))
        {
            box = default;
            return false;
        }

        _bytes -= bytes.Length;
        Volatile.Write(ref _count, _boxes.Count);
        box = new AmpBoxView(bytes, 0);
        return true;
    }
}
