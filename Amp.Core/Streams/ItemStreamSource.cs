using Amp.Boxes;

namespace Amp.Streams;

/// <summary>
/// The bytes of a stream of typed items: each item's wire form with a 16-bit big-endian length prefix,
/// as an element of <c>ListOf</c> (spec/amp-wire.md §15.4). Read by an outgoing stream's pump.
/// </summary>
internal sealed class ItemStreamSource<T> : ReadOnlyStream
{
    private readonly IAsyncEnumerator<T> _items;
    private readonly AmpArgumentType<T> _type;
    private readonly BoxBuffer _pending = new();
    private int _offset;
    private bool _done;
    private Task<bool>? _waiting;

    public ItemStreamSource(IAsyncEnumerable<T> items, AmpArgumentType<T> type)
    {
        _items = items.GetAsyncEnumerator();
        _type = type;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Whole items while the enumerator has them ready; an item that does not fit goes on in the next read.
        int filled = 0;
        while (filled < buffer.Length)
        {
            if (_offset == _pending.Length)
            {
                if (_done)
                {
                    break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                ValueTask<bool> next = _waiting is { } waiting ? new ValueTask<bool>(waiting) : _items.MoveNextAsync();
                _waiting = null;
                if (filled > 0 && !next.IsCompleted)
                {
                    // Send what is filled rather than hold it back for an item that is not ready.
                    _waiting = next.AsTask();
                    break;
                }

                if (!await next.ConfigureAwait(false))
                {
                    _done = true;
                    break;
                }

                Encode(_items.Current);
            }

            int count = Math.Min(buffer.Length - filled, _pending.Length - _offset);
            _pending.WrittenSpan.Slice(_offset, count).CopyTo(buffer.Span.Slice(filled));
            _offset += count;
            filled += count;
        }

        return filled;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

    public override async ValueTask DisposeAsync()
    {
        await _items.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ValueTask disposed = _items.DisposeAsync();
            if (!disposed.IsCompleted)
            {
                _ = disposed.AsTask();
            }
        }

        base.Dispose(disposing);
    }

    private void Encode(T item)
    {
        if (item is null)
        {
            throw new InvalidOperationException($"A stream of {typeof(T).Name} yielded null; AMP has no null value.");
        }

        _pending.Reset();
        _offset = 0;
        int start = _pending.BeginValue();
        _type.Write(item, _pending);
        int length = _pending.EndValue(start);
        if (length > AmpLimits.WireMaxValueLength)
        {
            throw new InvalidOperationException($"An item of {length} bytes is longer than an AMP value may be ({AmpLimits.WireMaxValueLength}).");
        }
    }
}
