using Amp.Boxes;
using Amp.BoxProtocol;
using Amp.Layers;
using Amp.Logging;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp;

/// <summary>
/// The box layer of a connection (Twisted's <c>BinaryBoxProtocol</c>): it frames and parses boxes on the
/// top of a layer stack, hands each to an <see cref="IBoxReceiver"/>, writes outgoing boxes through one
/// batching writer, and makes every layer change (push, pop, hand-over) at a box boundary through one
/// state machine (<see cref="State"/>). <see cref="AmpConnection"/> is the command layer built on it; it
/// is usable alone for boxes in and boxes out.
/// </summary>
/// <remarks>
/// All members are thread-safe. Races between layer changes have defined outcomes, described in
/// spec/amp-wire.md §13: local changes go in call order; a change cancelled before its box is written
/// is withdrawn; when both sides ask at once, the side whose transport accepted the connection wins and
/// the other's change is refused with <c>LAYER_CHANGE_CONFLICT</c>.
/// </remarks>
public sealed partial class BinaryBoxProtocol : IAsyncDisposable
{
    private static readonly TimeSpan s_closeFlushTimeout = TimeSpan.FromSeconds(5);

    private readonly LayerStack _stack;
    private readonly OutgoingWriter _writer;
    private readonly BoxReadLoop _readLoop;
    private readonly IBoxReceiver _receiver;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource<AmpConnectionLostException> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private AmpConnectionLostException? _endReason;

    private readonly int _maxLayerDepth;
    private readonly ReceiveWatch? _receiveWatch;

    internal BinaryBoxProtocol(
        AmpTransport transport,
        IBoxReceiver receiver,
        string? name,
        AmpLimits limits,
        long maxQueuedOutgoingBytes,
        ILoggerFactory loggerFactory,
        int maxLayerDepth,
        TimeSpan idleTimeout,
        AmpMinimumDataRate? minimumReceiveRate,
        Func<bool>? isBusy = null,
        bool watchReceives = false,
        IReadOnlyList<AmpLayer>? layers = null)
    {
        _maxLayerDepth = maxLayerDepth;
        _stack = new LayerStack(transport);
        foreach (AmpLayer layer in layers ?? [])
        {
            // Layers something in front of AMP already started (a negotiation's TLS): boxes go through them from the first.
            _stack.Push(layer);
        }

        _receiver = receiver;
        LoggerFactory = loggerFactory;
        Name = string.IsNullOrEmpty(name) ? transport.Description : name;
        _logger = loggerFactory.CreateLogger("Amp.Connection");
        _writer = new OutgoingWriter(_stack.Top.Output, maxQueuedOutgoingBytes,
            e => End(e is AmpLayerException layer ? layer.DisconnectReason : AmpDisconnectReason.TransportError, "Writing to the transport failed: " + e.Message, e))
        {
            CheckBeforeSending = CheckBeforeSending,
        };
        if (watchReceives || ReceiveWatch.AnyLimit(idleTimeout, minimumReceiveRate))
        {
            _receiveWatch = new ReceiveWatch(idleTimeout, minimumReceiveRate, message => End(AmpDisconnectReason.TimedOut, message, new TimeoutException(message)))
            {
                IsBusy = isBusy,
            };
        }

        _readLoop = new BoxReadLoop(this, _stack, _writer, receiver, limits, loggerFactory.CreateLogger("Amp.Wire"), _receiveWatch);
    }

    /// <summary>The name in logs and messages.</summary>
    public string Name { get; }

    /// <summary>The transport at the bottom of the layer stack.</summary>
    public AmpTransport Transport => _stack.Transport;

    /// <summary>Whether the protocol is still running.</summary>
    public bool IsConnected => Volatile.Read(ref _endReason) is null;

    /// <summary>Where the outgoing side stands: open, holding for a change, refusing for a switch, handed over or closed.</summary>
    public BoxProtocolState State =>
        HasEnded ? (SwitchedTo is null ? BoxProtocolState.Closed : BoxProtocolState.HandedOver)
        : _writer.RefusesCalls ? BoxProtocolState.RefusingForSwitch
        : _writer.HasSlots ? BoxProtocolState.Holding
        : BoxProtocolState.Open;

    /// <summary>The number of layers pushed on the transport.</summary>
    public int LayerDepth => _stack.Depth;

    /// <summary>The layers from the bottom up, such as <c>tcp 127.0.0.1:40112-&gt;127.0.0.1:5000 | tls(1.3)</c>.</summary>
    public string Layers => _stack.Describe();

    /// <summary>Completes when the protocol has ended and its transport is closed (or handed over), with the reason. Never faults.</summary>
    public Task<AmpConnectionLostException> Completion => _completion.Task;

    /// <summary>The byte stream after a hand-over; set before <see cref="Completion"/> completes with <see cref="AmpDisconnectReason.ProtocolSwitched"/>.</summary>
    public AmpSwitchedConnection? SwitchedTo { get; private set; }

    /// <summary>Whether a box may be queued without going past <see cref="BinaryBoxProtocolOptions.MaxQueuedOutgoingBytes"/>.</summary>
    public bool HasRoom => _writer.HasRoom;

    internal bool HasEnded => Volatile.Read(ref _endReason) is not null;

    internal AmpConnectionLostException? EndReason => Volatile.Read(ref _endReason);

    internal CancellationToken Closing => _closing.Token;

    internal ILoggerFactory LoggerFactory { get; }

    internal OutgoingWriter Writer => _writer;

    internal LayerStack Stack => _stack;

    /// <summary>The marks of the read loop's waits, when a receive limit or the keepalive is on.</summary>
    internal ReceiveWatch? ReceiveWatch => _receiveWatch;

    /// <summary>Starts the box layer over <paramref name="transport"/>: reading begins at once.</summary>
    /// <param name="transport">The byte stream; the protocol owns it and closes it when it ends.</param>
    /// <param name="receiver">Gets every box, on the read loop.</param>
    /// <param name="options">Settings; the defaults when omitted.</param>
    /// <returns>The running protocol.</returns>
    public static BinaryBoxProtocol Start(AmpTransport transport, IBoxReceiver receiver, BinaryBoxProtocolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(receiver);
        options ??= new BinaryBoxProtocolOptions();
        var protocol = new BinaryBoxProtocol(
            transport, receiver, options.Name, options.Limits, options.MaxQueuedOutgoingBytes, options.LoggerFactory, options.MaxLayerDepth,
            options.IdleTimeout, options.MinimumReceiveRate);
        protocol.StartReading();
        return protocol;
    }

    /// <summary>The pushed layers, bottom first.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<AmpLayer> GetLayers() => _stack.Snapshot();

    /// <summary>
    /// Queues an encoded box (its key/value pairs and end marker). While a push or pop is in flight it is
    /// held and written in the new layer; while a hand-over is pending it is refused.
    /// </summary>
    /// <param name="box">The box's bytes.</param>
    /// <exception cref="AmpConnectionLostException">The protocol has ended.</exception>
    /// <exception cref="AmpProtocolSwitchedException">A hand-over is pending.</exception>
    public void SendBox(ReadOnlySpan<byte> box) => _writer.Enqueue(box, 0, isCall: true);

    /// <summary>Waits until <see cref="HasRoom"/> (or the protocol has ended).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when there is room.</returns>
    public Task WaitForRoomAsync(CancellationToken cancellationToken = default) => _writer.WaitForRoomAsync(cancellationToken);

    /// <summary>
    /// Lets a read loop that the receiver paused (by returning <see langword="false"/>) offer that box again.
    /// </summary>
    public void ResumeReading() => _readLoop.ResumeReading();

    /// <summary>Closes the protocol: queued boxes are written, then the transport is closed.</summary>
    /// <returns>A task that completes when the transport is closed.</returns>
    public async ValueTask CloseAsync()
    {
        End(AmpDisconnectReason.LocallyClosed, "The connection was closed by this side.", null);
        await _completion.Task.ConfigureAwait(false);
    }

    /// <inheritdoc cref="CloseAsync"/>
    public ValueTask DisposeAsync() => CloseAsync();

    /// <summary>A one-line state summary for diagnostics.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() => $"{Name} (state={State}, layers={Layers})";

    internal void StartReading()
    {
        if (_receiveWatch is { HasLimits: true })
        {
            ReceiveHeartbeat.Add(_receiveWatch);
        }

        _ = _readLoop.RunAsync();
    }

    /// <summary>Queues a box for <see cref="AmpConnection"/>: calls are refused during a hand-over, answers held.</summary>
    internal void Send(ReadOnlySpan<byte> box, ulong callTag, bool isCall) => _writer.Enqueue(box, callTag, isCall);

    /// <summary>
    /// Ends the protocol once: the receiver is told, boxes queued before any pending layer change are
    /// written (briefly), the transport is closed and <see cref="Completion"/> completes.
    /// </summary>
    /// <param name="reason">Why it ends.</param>
    /// <param name="message">The message of the exception pending calls fail with.</param>
    /// <param name="cause">The exception that ended it, if any.</param>
    /// <param name="handedOverTo">
    /// For <see cref="AmpDisconnectReason.ProtocolSwitched"/>: the stream handed over, published as
    /// <see cref="SwitchedTo"/> only if this call is the one that ends the protocol.
    /// </param>
    /// <returns>Whether this call ended the protocol (false when it had ended already, for another reason or the same).</returns>
    internal bool End(AmpDisconnectReason reason, string message, Exception? cause, AmpSwitchedConnection? handedOverTo = null)
    {
        if (reason == AmpDisconnectReason.RemoteClosed && cause is null && OutputEnded)
        {
            // The peer answered the end of our output with its own: the close this side began is complete.
            (reason, message) = (AmpDisconnectReason.LocallyClosed, "The connection was closed by this side.");
        }

        var lost = new AmpConnectionLostException(reason, message, cause);
        if (Interlocked.CompareExchange(ref _endReason, lost, null) is not null)
        {
            return false;
        }

        if (handedOverTo is not null)
        {
            SwitchedTo = handedOverTo;
        }

        if (reason is AmpDisconnectReason.LocallyClosed or AmpDisconnectReason.RemoteClosed or AmpDisconnectReason.ProtocolSwitched && cause is null)
        {
            Log.Connection.ConnectionClosed(_logger, Name, reason);
        }
        else
        {
            Log.Connection.ConnectionFailed(_logger, Name, reason, message, cause);
        }

        if (_receiveWatch is not null)
        {
            ReceiveHeartbeat.Remove(_receiveWatch);
        }

        // Before the receiver hears of it: whatever it answers from now on is dropped, never written after a fatal error.
        if (reason != AmpDisconnectReason.ProtocolSwitched)
        {
            _writer.RefuseNewBoxes(lost);
        }

        foreach (ChangeSlot slot in _writer.StopAtFirstSlot())
        {
            slot.MarkFlushed();
            slot.Request?.Fail(lost);
        }

        try
        {
            _receiver.ConnectionEnded(lost);
        }
        catch (Exception e)
        {
            Log.Connection.ConnectionFailed(_logger, Name, reason, "The box receiver failed while the connection ended: " + e.Message, e);
        }

        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered by user code threw; the connection still has to close.
        }

        _ = ShutdownAsync(lost);
        return true;
    }

    private async Task ShutdownAsync(AmpConnectionLostException lost)
    {
        if (lost.Reason == AmpDisconnectReason.ProtocolSwitched)
        {
            // The byte stream now belongs to the new protocol: the box layer closes nothing.
            _completion.TrySetResult(lost);
            return;
        }

        try
        {
            if (lost.Reason is AmpDisconnectReason.TransportError || _writer.HasFailed)
            {
                _writer.Abort(lost);
            }
            else
            {
                Task flushed = _writer.CompleteAsync(lost);
                if (await Task.WhenAny(flushed, Task.Delay(s_closeFlushTimeout)).ConfigureAwait(false) != flushed)
                {
                    _writer.Abort(lost);
                }
            }

            try
            {
                _readLoop.Reader?.CancelPendingRead();
            }
            catch (InvalidOperationException)
            {
                // Already completed by the transport.
            }

            await _stack.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Closing must always reach Completion; a transport failing to close changes nothing more.
        }
        finally
        {
            _completion.TrySetResult(lost);
        }
    }
}
