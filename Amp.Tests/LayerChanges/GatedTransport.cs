using System.Buffers;
using System.IO.Pipelines;
using Amp.Transports;

namespace Amp.Tests.LayerChanges;

/// <summary>
/// One end of an in-memory pair whose outgoing bytes pass a gate the test controls: bytes written while
/// the gate is closed wait in the gate (the writer's flush completes, as on a real network) and reach the
/// peer once it opens. Counts what was written and what passed, so a test can wait for a box to be on its
/// way, and can cut the connection after a given number of bytes (the peer vanishing mid-stream).
/// </summary>
internal sealed class GatedTransport : AmpTransport
{
    private readonly InMemoryTransport _inner;
    private readonly Pipe _outgoing = new(new PipeOptions(useSynchronizationContext: false));
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly Task _pump;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _written;
    private long _forwarded;
    private long _cutAfter = long.MaxValue;
    private int _cut;

    public GatedTransport(InMemoryTransport inner, bool open)
    {
        _inner = inner;
        if (open)
        {
            _open.TrySetResult();
        }

        _pump = Task.Run(PumpAsync);
    }

    public override PipeReader Input => _inner.Input;

    public override PipeWriter Output => _outgoing.Writer;

    public override AmpTransportRole Role => _inner.Role;

    public override string Description => _inner.Description;

    /// <summary>Bytes that passed the gate to the peer.</summary>
    public long Forwarded
    {
        get
        {
            lock (_lock)
            {
                return _forwarded;
            }
        }
    }

    /// <summary>Whether the connection was cut (see <see cref="CutAfter"/>, <see cref="CutAsync"/>).</summary>
    public bool IsCut => Volatile.Read(ref _cut) != 0;

    /// <summary>Lets the held bytes, and every byte after them, through.</summary>
    public void Open()
    {
        _open.TrySetResult();
        _outgoing.Reader.CancelPendingRead();
    }

    /// <summary>Disconnects both directions once <paramref name="total"/> bytes in all have passed the gate.</summary>
    public void CutAfter(long total)
    {
        lock (_lock)
        {
            _cutAfter = total;
        }

        _outgoing.Reader.CancelPendingRead();
    }

    /// <summary>Waits until more than <paramref name="count"/> bytes have been written into the gate.</summary>
    public Task WaitWrittenAsync(long count, CancellationToken cancellationToken) => WaitUntilAsync(() => _written > count, cancellationToken);

    /// <summary>Waits until more than <paramref name="count"/> bytes have passed the gate, or the connection was cut.</summary>
    public Task WaitForwardedAsync(long count, CancellationToken cancellationToken) => WaitUntilAsync(() => _forwarded > count || IsCut, cancellationToken);

    /// <summary>Disconnects now: bytes still in the gate are lost, the peer's input ends, and this end's reads end.</summary>
    public async ValueTask CutAsync()
    {
        Volatile.Write(ref _cut, 1);
        _open.TrySetResult();
        _outgoing.Reader.CancelPendingRead();
        _inner.Output.CancelPendingFlush();
        try
        {
            await _pump.ConfigureAwait(false);
        }
        finally
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
            Signal();
        }
    }

    /// <summary>The connection closes its transport: what it wrote still reaches the peer if the gate is open.</summary>
    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (_open.Task.IsCompleted && !IsCut)
            {
                await _outgoing.Writer.CompleteAsync().ConfigureAwait(false);
                await _pump.ConfigureAwait(false);
            }
        }
        finally
        {
            await CutAsync().ConfigureAwait(false);
        }
    }

    private async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task progress;
            lock (_lock)
            {
                if (condition())
                {
                    return;
                }

                progress = _progress.Task;
            }

            await progress.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_lock)
        {
            previous = _progress;
            _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    private async Task PumpAsync()
    {
        PipeReader reader = _outgoing.Reader;
        long seen = 0;
        try
        {
            while (!IsCut)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                lock (_lock)
                {
                    _written = seen + buffer.Length;
                }

                Signal();
                if (IsCut)
                {
                    break;
                }

                if (!_open.Task.IsCompleted)
                {
                    // Closed: examine everything, consume nothing; Open wakes the read.
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted)
                    {
                        await _open.Task.ConfigureAwait(false);
                    }

                    continue;
                }

                long room;
                lock (_lock)
                {
                    room = Math.Max(0, _cutAfter - _forwarded);
                }

                bool cutHere = buffer.Length >= room;

                ReadOnlySequence<byte> passing = buffer.Length > room ? buffer.Slice(0, room) : buffer;
                foreach (ReadOnlyMemory<byte> segment in passing)
                {
                    FlushResult flushed = await _inner.Output.WriteAsync(segment).ConfigureAwait(false);
                    if (flushed.IsCompleted || flushed.IsCanceled)
                    {
                        // Cancelled: cut. Completed: the peer stopped reading (it closed); this end's writes fail
                        // from now on, but what the peer sent before closing can still be read, as on a socket.
                        return;
                    }
                }

                seen += passing.Length;
                lock (_lock)
                {
                    _forwarded += passing.Length;
                }

                reader.AdvanceTo(passing.End);
                Signal();
                if (cutHere)
                {
                    // The peer vanishes here: it reads nothing more, and this end's reads end.
                    Volatile.Write(ref _cut, 1);
                    return;
                }

                if (result.IsCompleted)
                {
                    await _inner.Output.CompleteAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The inner transport was disposed while bytes were passing: a disconnect.
            Volatile.Write(ref _cut, 1);
        }
        finally
        {
            // A writer with nobody reading sees its flushes complete, as after a reset.
            await reader.CompleteAsync().ConfigureAwait(false);
            if (IsCut)
            {
                await _inner.DisposeAsync().ConfigureAwait(false);
            }

            Signal();
        }
    }
}
