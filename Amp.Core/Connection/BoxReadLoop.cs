using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Amp.Boxes;
using Amp.Dispatch;
using Amp.Layers;
using Amp.Logging;
using Microsoft.Extensions.Logging;

namespace Amp.Connection;

/// <summary>
/// Reads boxes from the top of the layer stack and routes them: answers and errors to pending calls,
/// commands to responders. Parsing is synchronous; the loop awaits only when no complete box is
/// buffered, when too many responders are running, or when the writer is full.
/// </summary>
internal sealed class BoxReadLoop
{
    private readonly AmpConnection _connection;
    private readonly LayerStack _stack;
    private readonly PendingCalls _pending;
    private readonly IncomingCalls _incoming;
    private readonly OutgoingWriter _writer;
    private readonly AmpLimits _limits;
    private readonly ILogger _logger;
    private readonly bool _includeWireData;
    private readonly DeferredCommands _deferred;
    private Func<Task<bool>>? _barrier;
    private Action<Exception>? _barrierAbandoned;
    private StopRequest? _requestedStop;
    private int _handlingThread;

    public BoxReadLoop(AmpConnection connection, LayerStack stack, PendingCalls pending, IncomingCalls incoming, OutgoingWriter writer, AmpConnectionOptions options)
    {
        _connection = connection;
        _stack = stack;
        _pending = pending;
        _incoming = incoming;
        _writer = writer;
        _limits = options.Limits;
        _logger = options.LoggerFactory.CreateLogger("Amp.Wire");
        _includeWireData = options.IncludeWireDataInErrors;
        _deferred = new DeferredCommands(Math.Min(options.Limits.MaxBoxBytes, options.MaxQueuedOutgoingBytes));
    }

    /// <summary>The reader the loop is reading now (to cancel a pending read on close).</summary>
    public PipeReader? Reader { get; private set; }

    public async Task RunAsync()
    {
        try
        {
            PipeReader reader = _stack.Top.Input;
            Reader = reader;
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                if (_connection.HasEnded)
                {
                    return;
                }

                // A cancelled read is a wake-up: a responder slot or writer room freed for set-aside commands,
                // or a hand-over requested from outside the loop.
                ReadOnlySequence<byte> buffer = result.Buffer;
                TakeRequestedStop();
                bool paused = false;
                AmpLayer? popped = null;
                _writer.Cork();
                Volatile.Write(ref _handlingThread, Environment.CurrentManagedThreadId);
                try
                {
                    StartDeferredCommands();
                    while (_barrier is null)
                    {
                        BoxOutcome outcome = TryHandleBox(ref buffer);
                        if (outcome == BoxOutcome.Incomplete)
                        {
                            break;
                        }

                        if (_connection.HasEnded)
                        {
                            return;
                        }

                        if (outcome == BoxOutcome.CommandMustWait)
                        {
                            paused = true;
                            break;
                        }
                    }

                    if (result.IsCompleted && !paused && _barrier is null && buffer.IsEmpty
                        && _stack.TopLayer is { PopWhenInputEnds: true } ending)
                    {
                        // The peer closed the layer being popped (TLS close_notify): go on with the layer below.
                        popped = ending;
                    }
                    else if (result.IsCompleted && !paused && _barrier is null)
                    {
                        if (buffer.IsEmpty)
                        {
                            _connection.End(AmpDisconnectReason.RemoteClosed, "The peer closed the connection.", null);
                        }
                        else
                        {
                            var truncated = new AmpProtocolException(AmpProtocolError.TruncatedBox,
                                $"the connection ended inside a box ({buffer.Length} bytes of an incomplete box were buffered)");
                            _connection.End(AmpDisconnectReason.RemoteClosed, "The peer closed the connection in the middle of a box.", truncated);
                        }

                        return;
                    }
                }
                finally
                {
                    Volatile.Write(ref _handlingThread, 0);
                    _writer.Uncork();
                    try
                    {
                        // Paused or at a barrier: nothing after the boundary is examined, so whoever reads
                        // next (this loop, or the layer being pushed) gets those bytes at once.
                        reader.AdvanceTo(buffer.Start, paused || _barrier is not null ? buffer.Start : buffer.End);
                    }
                    catch (InvalidOperationException) when (_connection.HasEnded)
                    {
                        // The transport completed the reader while the connection was being closed.
                    }
                }

                if (popped is not null)
                {
                    _stack.Pop();
                    await popped.DisposeAsync().ConfigureAwait(false);
                    reader = _stack.Top.Input;
                    Reader = reader;
                    continue;
                }

                if (_barrier is { } barrier)
                {
                    _barrier = null;
                    _barrierAbandoned = null;
                    if (!await barrier().ConfigureAwait(false) || _connection.HasEnded)
                    {
                        return;
                    }

                    reader = _stack.Top.Input;
                    Reader = reader;
                    continue;
                }

                if (paused)
                {
                    await _incoming.WaitForSlotAsync().ConfigureAwait(false);
                    await _writer.WaitForRoomAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (AmpProtocolException e)
        {
            Log.Wire.ProtocolViolation(_logger, _connection.Name, e.Error, e.Message);
            _connection.End(AmpDisconnectReason.ProtocolViolation, "The peer broke the protocol: " + e.Message, e);
        }
        catch (Exception e) when (_connection.HasEnded)
        {
            // The connection was closed while reading; the read failing is expected.
            _ = e;
        }
        catch (Exception e)
        {
            _connection.End(AmpDisconnectReason.TransportError, "The transport failed: " + e.Message, e);
        }
        finally
        {
            // The connection ended before a requested layer change could run: whoever waits for it must not hang.
            Exception ended = _connection.EndReason ?? new AmpConnectionLostException(AmpDisconnectReason.LocallyClosed, "The connection ended.");
            if (_barrierAbandoned is { } abandoned)
            {
                _barrier = null;
                _barrierAbandoned = null;
                abandoned(ended);
            }

            Interlocked.Exchange(ref _requestedStop, null)?.Abandoned(ended);
        }
    }

    /// <summary>
    /// Stops reading after the box being handled: once this loop has released its reader (nothing after
    /// the box consumed), it runs <paramref name="barrier"/>, which changes the layer stack; then it reads
    /// the new top, or stops for good if the barrier returns <see langword="false"/> (a protocol switch).
    /// Called only from the read loop, while it handles a box.
    /// </summary>
    public void RequestBarrier(Func<Task<bool>> barrier, Action<Exception> abandoned)
    {
        if (_barrier is not null)
        {
            throw new InvalidOperationException("A layer change is already in progress on this connection.");
        }

        _barrier = barrier;
        _barrierAbandoned = abandoned;
    }

    /// <summary>
    /// Stops the loop at a box boundary from any thread: right after the box being handled when called
    /// while the loop handles one (a responder), else before the loop parses anything more.
    /// </summary>
    public void RequestStop(Func<Task<bool>> barrier, Action<Exception> abandoned)
    {
        if (Volatile.Read(ref _handlingThread) == Environment.CurrentManagedThreadId)
        {
            RequestBarrier(barrier, abandoned);
            return;
        }

        if (Interlocked.CompareExchange(ref _requestedStop, new StopRequest(barrier, abandoned), null) is not null)
        {
            throw new InvalidOperationException("A hand-over is already in progress on this connection.");
        }

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
        if (_barrier is null && Interlocked.Exchange(ref _requestedStop, null) is { } stop)
        {
            _barrier = stop.Barrier;
            _barrierAbandoned = stop.Abandoned;
        }
    }

    /// <summary>Wakes the loop if commands wait for the slot or room that has just freed.</summary>
    public void WakeForDeferredCommands()
    {
        if (_deferred.Count == 0)
        {
            return;
        }

        try
        {
            Reader?.CancelPendingRead();
        }
        catch (InvalidOperationException)
        {
            // The reader was completed by a close; nothing waits any more.
        }
    }

    private void StartDeferredCommands()
    {
        while (_barrier is null && _deferred.Count > 0 && !_incoming.AtLimit && _writer.HasRoom && _deferred.TryTake(out AmpBoxView box))
        {
            BoxHeader header = BoxHeader.Read(box);
            _incoming.Dispatch(box.Bytes.Span, header);
        }
    }

    private sealed record StopRequest(Func<Task<bool>> Barrier, Action<Exception> Abandoned);

    private enum BoxOutcome
    {
        Incomplete,
        Handled,
        CommandMustWait,
    }

    // Only a command makes work for the writer and a responder, so only a command waits for room and a
    // free slot: it is set aside (in order, bounded) and reading goes on. Answers and errors are always
    // read: pausing them would deadlock a side whose queue is full of its own calls, or whose responders
    // all wait for the peer's answers. Only when the set-aside bound is reached does reading pause.
    private BoxOutcome TryHandleBox(ref ReadOnlySequence<byte> buffer)
    {
        ReadOnlySequence<byte> unread = buffer;
        if (!BoxReader.TryReadBox(ref buffer, _limits, out AmpBoxView box))
        {
            return BoxOutcome.Incomplete;
        }

        using (box)
        {
            ReadOnlySpan<byte> bytes = box.Bytes.Span;
            BoxHeader header = BoxHeader.Read(box);
            if (header.Kind == BoxKind.Command && _incoming.ChangesLayers(header.Command))
            {
                // Never read past a layer change: the bytes after it belong to the new layer. It runs
                // once the commands set aside before it have started.
                if (_deferred.Count > 0)
                {
                    buffer = unread;
                    return BoxOutcome.CommandMustWait;
                }
            }
            else if (header.Kind == BoxKind.Command && (_deferred.Count > 0 || _incoming.AtLimit || !_writer.HasRoom))
            {
                if (_deferred.TryAdd(bytes))
                {
                    return BoxOutcome.Handled;
                }

                buffer = unread;
                return BoxOutcome.CommandMustWait;
            }

            if (_logger.IsEnabled(LogLevel.Trace))
            {
                Log.Wire.BoxReceived(_logger, _connection.Name, new BoxDump(bytes));
            }

            switch (header.Kind)
            {
                case BoxKind.Answer:
                    TakeCall(header.Answer)?.SetAnswer(bytes);
                    break;
                case BoxKind.Error:
                    if (!header.HasErrorCode || !header.HasErrorDescription)
                    {
                        throw new AmpProtocolException(AmpProtocolError.MalformedError,
                            "an error box lacks _error_code or _error_description" + Detail(bytes));
                    }

                    TakeCall(header.Error)?.SetError(Encoding.UTF8.GetString(header.ErrorCode), Encoding.UTF8.GetString(header.ErrorDescription));
                    break;
                case BoxKind.Command:
                    _incoming.Dispatch(bytes, header);
                    break;
                default:
                    throw new AmpProtocolException(AmpProtocolError.EmptyBox,
                        "a box has none of _command, _answer or _error" + Detail(bytes));
            }
        }

        return BoxOutcome.Handled;
    }

    private IPendingCall? TakeCall(ReadOnlySpan<byte> tagBytes)
    {
        if (AmpTag.TryParseCanonical(tagBytes, out ulong tag))
        {
            if (_pending.TryRemove(tag, out IPendingCall? call))
            {
                return call;
            }

            if (_pending.TryForget(tag))
            {
                Log.Wire.LateAnswerDropped(_logger, _connection.Name, tag);
                return null;
            }
        }

        throw new AmpProtocolException(AmpProtocolError.UnknownTag,
            "an answer or error names a tag with no pending call" + (_includeWireData ? ": " + WireText.Describe(tagBytes) : string.Empty));
    }

    private string Detail(ReadOnlySpan<byte> box) => _includeWireData ? ": " + new BoxDump(box) : string.Empty;
}
