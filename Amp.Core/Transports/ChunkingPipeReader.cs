using System.Buffers;
using System.IO.Pipelines;

namespace Amp.Transports;

/// <summary>
/// A view of a <see cref="PipeReader"/> whose every read reveals at most a chosen number of new
/// bytes, so a consumer meets every possible read boundary. Bytes revealed but not consumed stay
/// visible, as with any pipe.
/// </summary>
/// <remarks>
/// Splitting the reader's view, rather than pumping small writes into another pipe, guarantees the
/// limit per read however slowly the consumer reads, and costs no copy.
/// </remarks>
internal sealed class ChunkingPipeReader : PipeReader
{
    private readonly PipeReader _inner;
    private readonly int _maxBytesPerRead;
    private readonly Random? _random;

    // Bytes at the start of the inner buffer that the consumer has been shown and not yet consumed.
    private long _visible;
    private ReadOnlySequence<byte> _shown;

    public ChunkingPipeReader(PipeReader inner, int? maxBytesPerRead, Random? random)
    {
        _inner = inner;
        _maxBytesPerRead = maxBytesPerRead ?? int.MaxValue;
        _random = random;
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ReadResult result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Reveal(result);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out ReadResult inner))
        {
            result = default;
            return false;
        }

        result = Reveal(inner);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _visible -= _shown.Slice(_shown.Start, consumed).Length;
        _shown = default;
        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    private ReadResult Reveal(ReadResult inner)
    {
        ReadOnlySequence<byte> buffer = inner.Buffer;
        if (!inner.IsCanceled && buffer.Length > _visible)
        {
            long available = buffer.Length - _visible;
            long cap = Math.Min(available, _maxBytesPerRead);
            long chunk = _random is null ? cap : _random.NextInt64(1, cap + 1);
            _visible += chunk;
        }

        _visible = Math.Min(_visible, buffer.Length);
        _shown = buffer.Slice(0, _visible);
        bool completed = inner.IsCompleted && _visible == buffer.Length;
        return new ReadResult(_shown, inner.IsCanceled, completed);
    }
}
