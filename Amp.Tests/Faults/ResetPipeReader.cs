using System.Buffers;
using System.IO.Pipelines;

namespace Amp.Tests.Faults;

/// <summary>
/// The receiving end of one direction of a <see cref="FaultWire"/>. Until the wire resets it, it is the pipe
/// it wraps. Once reset (<see cref="ResetAtEnd"/>, then the pipe completed), every byte delivered before
/// the reset can still be read, and the read that would otherwise report the end of the stream throws the
/// reset's <see cref="IOException"/> instead, as a socket's receive does after a TCP reset.
/// </summary>
/// <remarks>
/// A plain pipe completed with an exception throws it on the next read even when bytes are still
/// buffered, so how many of the bytes before the reset arrive would depend on timing: this keeps the
/// delivery exact, whatever the reader's pace.
/// </remarks>
internal sealed class ResetPipeReader : PipeReader
{
    private readonly PipeReader _inner;
    private Func<IOException>? _reset;
    private ReadOnlySequence<byte> _shown;

    // How many bytes at the start of what is still unconsumed the consumer has examined.
    private long _examined;

    public ResetPipeReader(PipeReader inner)
    {
        _inner = inner;
    }

    /// <summary>From now on, the end of the stream is a reset: <paramref name="reset"/> makes the exception.</summary>
    public void ResetAtEnd(Func<IOException> reset) => Volatile.Write(ref _reset, reset);

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
        Show(await _inner.ReadAsync(cancellationToken).ConfigureAwait(false));

    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out ReadResult inner))
        {
            result = default;
            return false;
        }

        result = Show(inner);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _examined = _shown.IsEmpty ? 0 : _shown.Slice(consumed, examined).Length;
        _shown = default;
        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    private ReadResult Show(ReadResult inner)
    {
        _shown = inner.Buffer;
        if (!inner.IsCompleted || inner.IsCanceled || Volatile.Read(ref _reset) is not { } reset)
        {
            return inner;
        }

        if (inner.Buffer.Length > _examined)
        {
            // Bytes from before the reset the consumer has not looked at yet: they come first.
            return new ReadResult(inner.Buffer, isCanceled: false, isCompleted: false);
        }

        // Nothing new: this read would wait for more, and what comes is the reset.
        _inner.AdvanceTo(inner.Buffer.Start, inner.Buffer.End);
        _shown = default;
        throw reset();
    }
}
