using System.Text;
using Amp.Boxes;
using Amp.BoxProtocol;
using Amp.Logging;
using Microsoft.Extensions.Logging;

namespace Amp.Connection;

/// <summary>
/// The AMP half of reading: routes each box the box layer reads to its pending call (answers, errors)
/// or to a responder (commands). Only a command makes work for the writer and a responder, so only a
/// command waits for room and a free slot: it is set aside (in order, bounded) and reading goes on.
/// Answers and errors are always read: pausing them would deadlock a side whose queue is full of its own
/// calls, or whose responders all wait for the peer's answers. Only at the set-aside bound does reading pause.
/// </summary>
internal sealed partial class AmpBoxRouter : IBoxReceiver
{
    private readonly AmpConnection _connection;
    private readonly PendingCalls _pending;
    private IncomingCalls _incoming = null!;
    private readonly ILogger _logger;
    private readonly bool _includeWireData;
    private readonly DeferredCommands _deferred;
    private readonly Lock _lock = new();
    private OutgoingWriter _writer = null!;
    private bool _draining;
    private bool _paused;

    public AmpBoxRouter(AmpConnection connection, PendingCalls pending, AmpConnectionOptions options)
    {
        _connection = connection;
        _pending = pending;
        _logger = options.LoggerFactory.CreateLogger("Amp.Wire");
        _includeWireData = options.IncludeWireDataInErrors;
        _deferred = new DeferredCommands(Math.Min(options.Limits.MaxBoxBytes, options.MaxQueuedOutgoingBytes));
    }

    /// <summary>Connects the router to the writer whose room it waits for and the responders it starts.</summary>
    public void Attach(OutgoingWriter writer, IncomingCalls incoming)
    {
        _writer = writer;
        _incoming = incoming;
        writer.RoomFreed = StartDeferredCommands;
        _incoming.SlotFreed = StartDeferredCommands;
    }

    public bool TryReceiveBox(in AmpBoxView box)
    {
        ReadOnlySpan<byte> bytes = box.Bytes.Span;
        BoxHeader header = BoxHeader.Read(box);
        switch (header.Kind)
        {
            case BoxKind.Answer:
                ReceiveAnswer(bytes, header);
                return true;
            case BoxKind.Error:
                if (!header.HasErrorCode || !header.HasErrorDescription)
                {
                    throw new AmpProtocolException(AmpProtocolError.MalformedError,
                        "an error box lacks _error_code or _error_description" + Detail(bytes));
                }

                ReceiveError(header);
                return true;
            case BoxKind.Command:
                return TryReceiveCommand(bytes, header);
            case BoxKind.Stream when _connection.AgreedStreams is { } streams:
                streams.OnStreamBox(bytes, header.Stream);
                return true;
            case BoxKind.Grant when _connection.AgreedStreams is { } streams:
                streams.OnGrantBox(bytes, header.Grant);
                return true;
            case BoxKind.Cancel when _incoming.TakesCancellations:
                return TryReceiveCancel(bytes, header);
            case BoxKind.GoAway when _connection.AcceptsGoAway:
                _connection.OnGoAwayReceived();
                return true;
            default:
                throw new AmpProtocolException(AmpProtocolError.EmptyBox, "a box has none of _command, _answer or _error" + Detail(bytes));
        }
    }

    public void ConnectionEnded(AmpConnectionLostException reason) => _connection.OnEnded(reason);

    private void ReceiveAnswer(ReadOnlySpan<byte> bytes, in BoxHeader header)
    {
        Streams.StreamTable? streams = header.HasStreams ? _connection.AgreedStreams : null;
        streams?.Announce(header.Streams);
        try
        {
            TakeCall(header.Answer)?.SetAnswer(bytes);
        }
        finally
        {
            // The streams of an answer nobody waits for (or that did not parse) are stopped.
            streams?.StopUnclaimed(header.Streams);
        }
    }

    private void ReceiveError(in BoxHeader header)
    {
        if (TakeCall(header.Error) is not { } call)
        {
            return;
        }

        if (header.ErrorCode.SequenceEqual("CANCELLED"u8) && (_connection.AgreedExtensions & AmpExtensions.Cancellation) != 0)
        {
            // This side never cancelled the call (a cancelled call is no longer pending), so the deadline it
            // carried in _timeout passed at the peer before this side's own timer fired: a timeout here too.
            call.Fail(new TimeoutException(
                $"{_connection.Name}: the peer gave up on the call when the deadline it carried (_timeout) passed there; a timeout, as if this side's timer had fired first."));
            return;
        }

        call.SetError(Encoding.UTF8.GetString(header.ErrorCode), Encoding.UTF8.GetString(header.ErrorDescription));
    }

    private bool TryReceiveCommand(ReadOnlySpan<byte> bytes, in BoxHeader header)
    {
        _incoming.CheckCommand(header);
        if (_incoming.IsExtensionHello(header.Command))
        {
            // The extension hello is answered at once, never set aside: a cancel waiting for it may be
            // what frees the slots the commands set aside wait for.
            _incoming.Dispatch(bytes, header);
            return true;
        }

        lock (_lock)
        {
            // A layer change is never set aside: the peer holds everything after it (the answers that the
            // responders holding the slots wait for, too) until this side has answered it. Commands set aside
            // before it start afterwards, and their answers travel in the new layer. A keepalive ping overtakes
            // busy responders (it is answered at once, and its answer has no order), but not a full queue.
            if (!_incoming.ChangesLayers(header.Command)
                && (!_writer.HasRoom || (!_connection.IsKeepAlivePing(header.Command) && (_deferred.Count > 0 || _draining || _incoming.AtLimit))))
            {
                if (_deferred.TryAdd(bytes))
                {
                    return true;
                }

                _paused = true;
                return false;
            }
        }

        _incoming.Dispatch(bytes, header);
        return true;
    }

    /// <summary>
    /// A cancel acts at once, never behind the commands set aside: it may be what frees the slot they wait
    /// for. One naming a command still set aside is remembered, and that command starts cancelled.
    /// </summary>
    private bool TryReceiveCancel(ReadOnlySpan<byte> bytes, in BoxHeader header)
    {
        if (header.Cancel.IsEmpty)
        {
            throw new AmpProtocolException(AmpProtocolError.CancellationViolation, "a _cancel box names an empty tag" + Detail(bytes));
        }

        bool commandsWait;
        lock (_lock)
        {
            commandsWait = _deferred.Count > 0 || _draining;
        }

        _incoming.Cancel(header.Cancel, commandsWait);
        return true;
    }

    /// <summary>Starts the commands set aside, in order, on a pool thread (never on the writer's or a responder's).</summary>
    private void StartDeferredCommands()
    {
        bool resume;
        TaskCompletionSource? noneWaiting;
        lock (_lock)
        {
            if (_draining)
            {
                return;
            }

            if (_deferred.Count == 0)
            {
                // The read loop may have paused on a command too large to set aside with nothing set aside
                // before it: nothing would drain, so offer it again now that a slot or room is free.
                if (!_paused)
                {
                    return;
                }

                _paused = false;
            }

            resume = _deferred.Count == 0;
            _draining = !resume;
            noneWaiting = TakeNoneWaitingLocked();
        }

        noneWaiting?.TrySetResult();
        if (resume)
        {
            _connection.Protocol.ResumeReading();
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static router => router.DrainDeferred(), this, preferLocal: false);
    }

    private void DrainDeferred()
    {
        while (TryTakeDeferred(out AmpBoxView box))
        {
            _incoming.Dispatch(box.Bytes.Span, BoxHeader.Read(box));
        }

        // A slot or room may have freed between the last check and the flag: look once more.
        if (_deferred.Count > 0 && !_incoming.AtLimit && _writer.HasRoom && !_connection.HasEnded)
        {
            StartDeferredCommands();
        }
    }

    private bool TryTakeDeferred(out AmpBoxView box)
    {
        bool resume;
        TaskCompletionSource? noneWaiting;
        lock (_lock)
        {
            if (!_incoming.AtLimit && _writer.HasRoom && !_connection.HasEnded && _deferred.TryTake(out box))
            {
                return true;
            }

            _draining = false;
            resume = _paused;
            _paused = false;
            noneWaiting = TakeNoneWaitingLocked();
        }

        noneWaiting?.TrySetResult();

        // The read loop paused on a command it could not set aside: let it offer that command again.
        if (resume)
        {
            _connection.Protocol.ResumeReading();
        }

        box = default;
        return false;
    }

    private IPendingCall? TakeCall(ReadOnlySpan<byte> tagBytes)
    {
        if (AmpTag.TryParseCanonical(tagBytes, out ulong tag))
        {
            if (_pending.TryRemove(tag, out IPendingCall? call))
            {
                return call;
            }

            if (_pending.WasIssued(tag))
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
