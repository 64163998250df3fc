using Amp.Diagnostics;
using System.Buffers;
using System.IO.Pipelines;
using Amp.Boxes;
using Amp.Layers;
using Amp.Logging;
using Microsoft.Extensions.Logging;

namespace Amp.BoxProtocol;

/// <summary>
/// Reads boxes from the top of the layer stack and hands them to the receiver. Parsing is synchronous;
/// the loop awaits only when no complete box is buffered, when the receiver paused it, or at a layer
/// change, where it stops right after the announcing box and reads on in the new top once it is made.
/// </summary>
internal sealed class BoxReadLoop
{
    // The writer stays corked from one read to the next while reads complete at once (more bytes were
    // already buffered), so the answers to the boxes of several reads leave in one flush, as one TLS
    // record and one send; it is uncorked before the loop waits for anything, and after MaxCorkedReads
    // reads, so a peer that keeps sending never holds the answers back for long.
    private const int MaxCorkedReads = 8;

    private readonly BinaryBoxProtocol _protocol;
    private readonly LayerStack _stack;
    private readonly OutgoingWriter _writer;
    private readonly IBoxReceiver _receiver;
    private readonly AmpLimits _limits;
    private readonly ILogger _logger;
    private readonly ReceiveWatch? _receiveWatch;
    private readonly Lock _lock = new();
    private ChangeSlot? _barrier;
    private ChangeSlot? _requestedStop;
    private TaskCompletionSource? _resumed;
    private bool _resumeRequested;
    private int _handlingThread;
    private bool _corked;
    private int _corkedReads;

    public BoxReadLoop(BinaryBoxProtocol protocol, LayerStack stack, OutgoingWriter writer, IBoxReceiver receiver, AmpLimits limits, ILogger logger, ReceiveWatch? receiveWatch)
    {
        _receiveWatch = receiveWatch;
        _protocol = protocol;
        _stack = stack;
        _writer = writer;
        _receiver = receiver;
        _limits = limits;
        _logger = logger;
    }

    /// <summary>The reader the loop is reading now (to cancel a pending read on close).</summary>
    public PipeReader? Reader { get; private set; }

    /// <summary>Whether the calling thread is the read loop handing a box to the receiver.</summary>
    public bool IsReceivingOnThisThread => Volatile.Read(ref _handlingThread) == Environment.CurrentManagedThreadId;

    public async Task RunAsync()
    {
        try
        {
            PipeReader reader = _stack.Top.Input;
            Reader = reader;
            long boxBytesHeld = 0;
            while (true)
            {
                _receiveWatch?.StartWaiting(boxBytesHeld);
                ValueTask<ReadResult> reading = reader.ReadAsync();
                if (!reading.IsCompleted)
                {
                    // Nothing more has arrived: the answers to what was read go out now, before waiting.
                    ReleaseCork();
                }

                ReadResult result = await reading.ConfigureAwait(false);
                _receiveWatch?.StopWaiting(result.Buffer.Length);
                if (_protocol.HasEnded)
                {
                    return;
                }

                // A cancelled read is a wake-up: a hand-over asked for from outside the loop.
                ReadOnlySequence<byte> buffer = result.Buffer;
                TakeRequestedStop();
                bool paused = false;
                bool popped = false;
                bool streamEnded = false;
                if (!_corked)
                {
                    _writer.Cork();
                    _corked = true;
                }

                Volatile.Write(ref _handlingThread, Environment.CurrentManagedThreadId);
                try
                {
                    while (_barrier is null)
                    {
                        ReadOnlySequence<byte> unread = buffer;
                        if (!BoxReader.TryReadBox(ref buffer, _limits, out AmpBoxView box))
                        {
                            break;
                        }

                        using (box)
                        {
                            if (_logger.IsEnabled(LogLevel.Trace))
                            {
                                Log.Wire.BoxReceived(_logger, _protocol.Name, new BoxDump(box.Bytes.Span));
                            }

                            if (_stack.TopIsPopping)
                            {
                                // Once a pop is agreed, both sides only end the layer (TLS: close_notify).
                                throw new AmpProtocolException(AmpProtocolError.BoxInLayerBeingPopped,
                                    "a box arrived inside a layer being popped: once the pop is agreed the peer must end the layer and send nothing more in it");
                            }

                            if (!_receiver.TryReceiveBox(box))
                            {
                                buffer = unread;
                                paused = true;
                            }
                        }

                        if (_protocol.HasEnded)
                        {
                            return;
                        }

                        if (paused)
                        {
                            break;
                        }
                    }

                    if (result.IsCompleted && !paused && _barrier is null)
                    {
                        if (buffer.IsEmpty && _stack.TopIsPopping)
                        {
                            // The peer closed the layer being popped (TLS close_notify): go on with the layer below.
                            popped = true;
                        }
                        else
                        {
                            // Ended after the reader is advanced: ending closes the transport, which completes the reader.
                            streamEnded = true;
                        }
                    }
                }
                finally
                {
                    Volatile.Write(ref _handlingThread, 0);
                    if (paused || popped || streamEnded || _barrier is not null || ++_corkedReads >= MaxCorkedReads)
                    {
                        // Whatever comes next waits (for room, a layer change, the end): flush before it.
                        ReleaseCork();
                    }

                    boxBytesHeld = paused || _barrier is not null ? 0 : buffer.Length;
                    AmpInstruments.BytesReceived(result.Buffer.Length - buffer.Length);
                    try
                    {
                        // Paused or at a barrier: nothing after the boundary is examined, so whoever reads
                        // next (this loop, or the layer being pushed) gets those bytes at once.
                        reader.AdvanceTo(buffer.Start, paused || _barrier is not null ? buffer.Start : buffer.End);
                    }
                    catch (InvalidOperationException) when (_protocol.HasEnded)
                    {
                        // The transport completed the reader while the connection was being closed.
                    }
                }

                if (streamEnded)
                {
                    EndOfStream(buffer.Length);
                    return;
                }

                if (popped)
                {
                    AmpLayer? layer = _stack.Pop();
                    if (layer is not null)
                    {
                        await layer.DisposeAsync().ConfigureAwait(false);
                    }
                }
                else if (_barrier is { } change)
                {
                    _barrier = null;
                    if (!await _protocol.MakeChangeAsync(change).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                else if (paused)
                {
                    if (!await WaitForResumeAsync().ConfigureAwait(false))
                    {
                        _protocol.End(AmpDisconnectReason.TransportError,
                            "The transport failed while this side was not reading (the peer reset the connection or left).", null);
                        return;
                    }

                    continue;
                }
                else
                {
                    continue;
                }

                reader = _stack.Top.Input;
                Reader = reader;
            }
        }
        catch (AmpProtocolException e)
        {
            Log.Wire.ProtocolViolation(_logger, _protocol.Name, e.Error, e.Message);
            _protocol.End(AmpDisconnectReason.ProtocolViolation, "The peer broke the protocol: " + e.Message, e);
        }
        catch (Exception e) when (_protocol.HasEnded)
        {
            // The connection was closed while reading; the read failing is expected.
            _ = e;
        }
        catch (AmpLayerException e)
        {
            _protocol.End(e.DisconnectReason, e.Message, e);
        }
        catch (Exception e)
        {
            _protocol.End(AmpDisconnectReason.TransportError, "The transport failed: " + e.Message, e);
        }
        finally
        {
            ReleaseCork();
        }
    }

    /// <summary>Lets the writer flush what the boxes handled since the cork was put in queued.</summary>
    private void ReleaseCork()
    {
        if (_corked)
        {
            _corked = false;
            _corkedReads = 0;
            _writer.Uncork();
        }
    }

    private void EndOfStream(long unread)
    {
        if (unread == 0)
        {
            _protocol.End(AmpDisconnectReason.RemoteClosed, "The peer closed the connection.", null);
            return;
        }

        var truncated = new AmpProtocolException(AmpProtocolError.TruncatedBox,
            $"the connection ended inside a box ({unread} bytes of an incomplete box were buffered)");
        _protocol.End(AmpDisconnectReason.RemoteClosed, "The peer closed the connection in the middle of a box.", truncated);
    }

    /// <summary>Stops reading after the box being received, until <paramref name="slot"/>'s change is made.</summary>
    /// <exception cref="InvalidOperationException">Not called while the loop hands a box over, or a change is already waiting.</exception>
    public void SetBarrier(ChangeSlot slot)
    {
        if (!IsReceivingOnThisThread)
        {
            throw new InvalidOperationException("A layer change can be accepted only while its box is being received (from IBoxReceiver.TryReceiveBox).");
        }

        if (_barrier is not null)
        {
            throw new InvalidOperationException("Only one layer change can be made per received box.");
        }

        _barrier = slot;
    }

    /// <summary>
    /// Stops the loop at a box boundary from any thread: right after the box being received when called
    /// from the receiver, else before the loop parses anything more.
    /// </summary>
    public void RequestStop(ChangeSlot slot)
    {
        if (IsReceivingOnThisThread && _barrier is null)
        {
            _barrier = slot;
            return;
        }

        lock (_lock)
        {
            if (_requestedStop is not null)
            {
                throw new InvalidOperationException("A hand-over is already in progress on this connection.");
            }

            _requestedStop = slot;
        }

        Wake();
    }

    /// <summary>Lets a paused loop offer the box it left unread again.</summary>
    public void ResumeReading()
    {
        TaskCompletionSource? resumed;
        lock (_lock)
        {
            _resumeRequested = true;
            resumed = _resumed;
            _resumed = null;
        }

        resumed?.TrySetResult();
    }

    /// <summary>
    /// Waits until the receiver resumes reading; false if the transport failed first. Nothing is read
    /// meanwhile, so the transport's <see cref="Transports.AmpTransport.Closed"/> is the only sign that
    /// the peer has left.
    /// </summary>
    private async Task<bool> WaitForResumeAsync()
    {
        Task resumed;
        lock (_lock)
        {
            if (_resumeRequested || _requestedStop is not null)
            {
                _resumeRequested = false;
                return true;
            }

            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            resumed = _resumed.Task;
        }

        CancellationToken transportClosed = _stack.Transport.Closed;
        await resumed.WaitAsync(_protocol.Closing).WaitAsync(transportClosed)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (resumed.IsCompleted)
        {
            return true;
        }

        _protocol.Closing.ThrowIfCancellationRequested();
        return !transportClosed.IsCancellationRequested;
    }

    private void Wake()
    {
        ResumeReading();
        try
        {
            Reader?.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
            // Completed by a close: the connection ends anyway.
        }
    }

    private void TakeRequestedStop()
    {
        lock (_lock)
        {
            if (_barrier is null && _requestedStop is { } stop)
            {
                _requestedStop = null;
                _barrier = stop;
            }
        }
    }
}
