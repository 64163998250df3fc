using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Amp.Streams;

/// <summary>
/// A stream of typed items as the receiving side sees it: an <see cref="IAsyncEnumerable{T}"/> that
/// decodes the items (16-bit length prefix, then the wire form) from an incoming stream, once.
/// Stopping the enumeration early stops the stream.
/// </summary>
internal sealed class ItemStreamReader<T> : IAsyncEnumerable<T>
{
    private readonly PipeReader _reader;
    private readonly AmpArgumentType<T> _type;
    private int _enumerated;

    public ItemStreamReader(PipeReader reader, AmpArgumentType<T> type)
    {
        _reader = reader;
        _type = type;
    }

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A stream of items arrives once: it can be enumerated only once.");
        }

        return ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    private async IAsyncEnumerable<T> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (TryTake(ref buffer, out T? item))
                {
                    // Consumed before it is handed out: the sender gets its credit back as items are taken.
                    _reader.AdvanceTo(buffer.Start);
                    yield return item!;
                    continue;
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        throw new FormatException($"The stream of {typeof(T).Name} ended inside an item.");
                    }

                    yield break;
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            // Done early (or failed): the sender is told to stop.
            _reader.Complete();
        }
    }

    private bool TryTake(ref ReadOnlySequence<byte> buffer, out T? item)
    {
        item = default;
        if (buffer.Length < 2)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(prefix);
        int length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        if (buffer.Length < 2 + length)
        {
            return false;
        }

        ReadOnlySequence<byte> value = buffer.Slice(2, length);
        item = value.IsSingleSegment ? _type.Read(value.FirstSpan) : _type.Read(value.ToArray());
        buffer = buffer.Slice(2 + length);
        return true;
    }
}
