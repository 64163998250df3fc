using System.IO.Pipelines;

namespace Amp.Connection;

/// <summary>
/// Stops the writer right after a given box until the layer change it announces is made: the writer
/// flushes the box, reports that, and waits to be resumed on the new top, kept on the old one (the
/// peer refused), or handed over (a protocol switch).
/// </summary>
internal sealed class WriterPark : LayerChange
{
    private readonly TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(PipeWriter? Output, bool KeepCurrent)> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _refusesSends;
    private readonly bool _dropsHeldBoxes;
    private Exception? _refusal;

    public WriterPark(bool refusesSends = false, bool dropsHeldBoxesOnRefusal = false)
    {
        _refusesSends = refusesSends;
        _dropsHeldBoxes = dropsHeldBoxesOnRefusal;
    }

    public override bool DropsHeldBoxesOnRefusal => _dropsHeldBoxes;

    public override Exception? RefusedWith => _refusal;

    public override bool RefusesSends => _refusesSends;

    private readonly TaskCompletionSource _applied = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the writer has gone on after the change (a next change may start).</summary>
    public Task Applied => _applied.Task;

    /// <summary>Completes when the announcing box has been flushed to the old top.</summary>
    public Task Flushed => _flushed.Task;

    /// <summary>Resumes the writer on the new top's <paramref name="output"/>.</summary>
    public void Resume(PipeWriter output) => _outcome.TrySetResult((output, false));

    /// <summary>The peer refused the change: the writer goes on with the layer it had.</summary>
    public void Refuse(Exception reason)
    {
        _refusal = reason;
        _outcome.TrySetResult((null, true));
    }

    /// <summary>AMP writes no more on this connection (a protocol switch).</summary>
    public void HandOver() => _outcome.TrySetResult((null, false));

    /// <summary>The change failed; the writer fails with it.</summary>
    public void Fail(Exception exception)
    {
        _outcome.TrySetException(exception);
        _applied.TrySetResult();
    }

    public override void OnApplied() => _applied.TrySetResult();

    public override async ValueTask<PipeWriter?> ApplyAsync(PipeWriter current)
    {
        _flushed.TrySetResult();
        (PipeWriter? output, bool keepCurrent) = await _outcome.Task.ConfigureAwait(false);
        return keepCurrent ? current : output;
    }
}
