using Amp.Boxes;
using Amp.BoxProtocol;

namespace Amp.Streams;

/// <summary>
/// The sending end of one stream: a pump that reads the source and writes chunk boxes as far as the
/// receiver's credit allows, then the end box. It writes nothing before the receiver's first grant or
/// stop (spec/amp-wire.md §15.3), and exactly one end or error box after it.
/// </summary>
internal sealed class OutgoingStream
{
    private readonly StreamTable _table;
    private readonly Stream _source;
    private readonly bool _ownsSource;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _credit;
    private bool _stopped;
    private bool _started;
    private (string Code, string Description)? _abortReason;
    private TaskCompletionSource? _wake;

    public OutgoingStream(StreamTable table, ulong id, Stream source, bool ownsSource)
    {
        _table = table;
        Id = id;
        _source = source;
        _ownsSource = ownsSource;
    }

    public ulong Id { get; }

    /// <summary>Completes when the stream has written its last box, or will write none (never faults).</summary>
    public Task Done => _done.Task;

    /// <summary>Adds credit (read loop); the first grant starts the pump.</summary>
    public void Grant(int credit)
    {
        TaskCompletionSource? wake;
        bool start;
        lock (_lock)
        {
            _credit += credit;
            start = !_started;
            _started = true;
            wake = _wake;
            _wake = null;
        }

        wake?.TrySetResult();
        if (start)
        {
            _ = PumpAsync();
        }
    }

    /// <summary>The receiver wants no more (read loop): the pump ends the stream with an end box.</summary>
    public void Stop()
    {
        TaskCompletionSource? wake;
        bool start;
        lock (_lock)
        {
            _stopped = true;
            start = !_started;
            _started = true;
            wake = _wake;
            _wake = null;
        }

        wake?.TrySetResult();
        _abort.Cancel();
        if (start)
        {
            _ = PumpAsync();
        }
    }

    /// <summary>
    /// This side gives up (its call was cancelled or failed): the pump ends the stream with an error box,
    /// once the receiver has answered the stream's announcement.
    /// </summary>
    public void Abort(string code, string description)
    {
        lock (_lock)
        {
            _abortReason ??= (code, description);
        }

        _abort.Cancel();
    }

    /// <summary>The connection ended: nothing more is written.</summary>
    public void Fail()
    {
        lock (_lock)
        {
            _stopped = true;
            _abortReason ??= ("CONNECTION_LOST", "The connection ended.");
            _wake?.TrySetResult();
            _wake = null;
        }

        _abort.Cancel();
        if (!_started)
        {
            DisposeSource();
            _done.TrySetResult();
        }
    }

    private async Task PumpAsync()
    {
        var buffer = new BoxBuffer();
        try
        {
            while (true)
            {
                int allowed = await WaitForCreditAsync().ConfigureAwait(false);
                if (allowed == 0)
                {
                    break;
                }

                buffer.Reset();
                int start = StreamBoxes.BeginChunk(buffer);
                int read = await _source.ReadAsync(buffer.GetMemory(allowed).Slice(0, allowed), _abort.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(read);
                StreamBoxes.EndChunk(buffer, start, Id);
                lock (_lock)
                {
                    _credit -= read;
                }

                await _table.SendAsync(buffer, _abort.Token).ConfigureAwait(false);
            }

            Finish(buffer, null);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            Finish(buffer, null);
        }
        catch (AmpException)
        {
            // The connection ended or switched protocols under the pump: nothing more can be written.
            DisposeSource();
            _done.TrySetResult();
            _table.Forget(this);
        }
        catch (Exception e)
        {
            _table.SourceFailed(this, e);
            Finish(buffer, ("UNKNOWN", "Unknown Error"));
        }
    }

    /// <summary>Waits for credit; returns how many bytes the next chunk may carry, or 0 when the stream must end.</summary>
    private async ValueTask<int> WaitForCreditAsync()
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_stopped || _abortReason is not null)
                {
                    return 0;
                }

                if (_credit > 0)
                {
                    return (int)Math.Min(_credit, StreamBoxes.ChunkPayload);
                }

                _wake ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _wake.Task;
            }

            await wait.ConfigureAwait(false);
        }
    }

    private void Finish(BoxBuffer buffer, (string Code, string Description)? failure)
    {
        (string Code, string Description)? reason;
        bool stopped;
        lock (_lock)
        {
            reason = failure ?? _abortReason;
            stopped = _stopped;
        }

        DisposeSource();
        _done.TrySetResult();
        if (reason is { Code: "CONNECTION_LOST" })
        {
            _table.Forget(this);
            return;
        }

        buffer.Reset();
        if (reason is { } r && !stopped)
        {
            StreamBoxes.WriteError(buffer, Id, r.Code, r.Description);
        }
        else
        {
            StreamBoxes.WriteEnd(buffer, Id);
        }

        _table.SendFinal(this, buffer);
    }

    private void DisposeSource()
    {
        if (_ownsSource)
        {
            _source.Dispose();
        }
    }
}
