using Amp.Boxes;
using Amp.BoxProtocol;
using Amp.Descriptors;
using Amp.Diagnostics;
using Amp.Connection;
using Amp.Extensions;
using Amp.Layers;
using Amp.Logging;
using Amp.Streams;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp;

/// <summary>
/// One AMP connection over a transport. Either side may call the other at any time; the peer's
/// commands are answered by the <see cref="AmpConnectionOptions.Responders"/>.
/// </summary>
/// <remarks>
/// All members are thread-safe. Calls' continuations never run on the read loop. Responders are
/// started on the read loop and run there until their first asynchronous wait, as in Twisted; a
/// responder that blocks holds up the connection's reading. Commands set aside because
/// <see cref="AmpConnectionOptions.MaxConcurrentIncomingCalls"/> responders were running (or the
/// outgoing queue was full) start later on a pool thread, still in arrival order.
/// </remarks>
public sealed partial class AmpConnection : IAsyncDisposable
{
    private readonly BinaryBoxProtocol _protocol;
    private readonly OutgoingWriter _writer;
    private readonly PendingCalls _pending = new();
    private readonly IncomingCalls _incoming;
    private readonly CallTimeouts? _timeouts;
    private readonly ExtensionNegotiation _extensions;
    private readonly StreamTable? _streams;
    private readonly ILogger _streamsLogger;
    private readonly bool _sendsCancellations;

    private AmpConnection(AmpTransport transport, AmpConnectionOptions options, IReadOnlyList<AmpLayer>? layers = null, AmpExtensions? agreedExtensions = null)
    {
        var router = new AmpBoxRouter(this, _pending, options);
        _protocol = new BinaryBoxProtocol(
            transport, router, options.Name, options.Limits, options.MaxQueuedOutgoingBytes, options.LoggerFactory, options.MaxLayerDepth,
            options.IdleTimeout, options.MinimumReceiveRate, isBusy: HasWorkInFlight, watchReceives: KeepAlive.KeepAliveMonitor.IsOn(options), layers: layers);
        _writer = _protocol.Writer;
        _streamsLogger = options.LoggerFactory.CreateLogger("Amp.Streams");
        _extensions = new ExtensionNegotiation(options.Extensions, _streamsLogger, Name, agreedExtensions);
        if ((options.Extensions & AmpExtensions.Streams) != 0)
        {
            _streams = new StreamTable(_writer, new StreamLimits(options.StreamWindowBytes, options.MaxStreamBufferBytes, options.MaxIncomingStreams), _streamsLogger, Name);
        }

        _sendsCancellations = (options.Extensions & AmpExtensions.Cancellation) != 0;
        _writer.HeldCallsDropped = FailHeldCalls;
        _incoming = new IncomingCalls(this, _writer, options, _protocol.Closing);
        router.Attach(_writer, _incoming);
        AttachClosing(router, options);
        if (options.CallTimeout != Timeout.InfiniteTimeSpan)
        {
            _timeouts = new CallTimeouts(_pending, options.CallTimeout, Name, CancelAtPeer);
        }

        InitKeepAlive(options);
    }

    /// <summary>The connection's name in logs and messages.</summary>
    public string Name => _protocol.Name;

    /// <summary>The transport at the bottom of the layer stack.</summary>
    public AmpTransport Transport => _protocol.Transport;

    /// <summary>Whether the connection is still up.</summary>
    public bool IsConnected => _protocol.IsConnected;

    /// <summary>Cancelled when the connection ends; responders may pass it on.</summary>
    public CancellationToken Closing => _protocol.Closing;

    /// <summary>
    /// Completes when the connection has ended and its transport is closed, with the reason (the same
    /// exception pending calls failed with). Never faults.
    /// </summary>
    public Task<AmpConnectionLostException> Completion => _protocol.Completion;

    /// <summary>The layers from the bottom up, such as <c>tcp 127.0.0.1:40112-&gt;127.0.0.1:5000</c>.</summary>
    public string Layers => _protocol.Layers;

    /// <summary>The box layer this connection's commands travel on (its layer stack and layer-change state).</summary>
    public BinaryBoxProtocol Protocol => _protocol;

    /// <summary>
    /// The application's state for this connection, one object per type (<c>connection.Items.GetOrAdd(() =&gt; new Session())</c>),
    /// for responders to share between the calls of one peer. Empty at the start; kept, never disposed, after the end.
    /// </summary>
    public AmpConnectionItems Items { get; } = new();

    internal bool HasEnded => _protocol.HasEnded;

    /// <summary>Starts AMP over <paramref name="transport"/>: reading begins at once.</summary>
    /// <param name="transport">The byte stream; the connection owns it and closes it when it ends.</param>
    /// <param name="options">Settings; the defaults when omitted.</param>
    /// <returns>The running connection.</returns>
    public static AmpConnection Start(AmpTransport transport, AmpConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        options ??= AmpConnectionOptions.Default;
        return Run(new AmpConnection(transport, options), options);
    }

    /// <summary>
    /// Starts AMP over <paramref name="transport"/> once something in front of AMP has run on it: the connection
    /// negotiation of spec/amp-wire.md §16 (Amp.Negotiation) starts TLS and agrees the extension set before the
    /// first box. The connection begins with <paramref name="layers"/> on its layer stack, as if StartTLS had
    /// pushed them, and with its agreed extension set already known: it never sends the extension hello of §15.1
    /// (it still answers one from the peer, with that set).
    /// </summary>
    /// <param name="transport">The byte stream; the connection owns it and closes it when it ends.</param>
    /// <param name="layers">
    /// Layers already running over <paramref name="transport"/>, bottom first, each positioned where the peer's
    /// first box will arrive (bytes the peer sent after what the negotiation read are still in them). The
    /// connection owns them: StopTLS may pop them, and they are disposed when it ends.
    /// </param>
    /// <param name="agreedExtensions">The extensions both sides agreed to; only those in <see cref="AmpConnectionOptions.Extensions"/> are used.</param>
    /// <param name="options">Settings; the defaults when omitted.</param>
    /// <returns>The running connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transport"/> or <paramref name="layers"/> is (or holds) <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">More layers than <see cref="AmpConnectionOptions.MaxLayerDepth"/>.</exception>
    public static AmpConnection Start(AmpTransport transport, IReadOnlyList<AmpLayer> layers, AmpExtensions agreedExtensions, AmpConnectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(layers);
        options ??= AmpConnectionOptions.Default;
        foreach (AmpLayer layer in layers)
        {
            ArgumentNullException.ThrowIfNull(layer, nameof(layers));
        }

        if (layers.Count > options.MaxLayerDepth)
        {
            throw new ArgumentException($"{layers.Count} layers exceed AmpConnectionOptions.MaxLayerDepth ({options.MaxLayerDepth}).", nameof(layers));
        }

        return Run(new AmpConnection(transport, options, layers, agreedExtensions), options);
    }

    private static AmpConnection Run(AmpConnection connection, AmpConnectionOptions options)
    {
        Log.Connection.ConnectionStarted(options.LoggerFactory.CreateLogger("Amp.Connection"), connection.Name);
        AmpInstruments.ConnectionStarted();
        connection._protocol.StartReading();
        connection._keepAlive?.Start();
        return connection;
    }

    /// <summary>Calls a command on the peer and returns its typed response.</summary>
    /// <typeparam name="TResponse">The command's response type.</typeparam>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (AMP has no way to cancel the remote work).</param>
    /// <returns>The response.</returns>
    /// <exception cref="AmpDefinitionException">The command type's declaration is invalid (thrown synchronously).</exception>
    /// <exception cref="InvalidOperationException">The command asks for no answer; use <see cref="SendAsync{TResponse}"/>.</exception>
    /// <exception cref="AmpArgumentException">An argument is missing or has no wire form (the task faults; nothing is sent).</exception>
    /// <exception cref="AmpRemoteException">The peer answered with an undeclared error code (declared codes fault with their declared exception type).</exception>
    /// <exception cref="AmpConnectionLostException">The connection ended before the answer.</exception>
    /// <exception cref="AmpConnectionClosingException">A graceful close has begun on either side (the task faults; nothing is sent).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<TResponse> CallRemoteAsync<TResponse>(IAmpCommand<TResponse> command, CancellationToken cancellationToken = default)
        where TResponse : class => CallRemoteAsync(command, cancellationToken, callTimeout: 0);

    /// <param name="command">The command.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <param name="callTimeout">The call's own timeout in milliseconds, carried to a peer that agreed to cancellation; 0 for none.</param>
    private Task<TResponse> CallRemoteAsync<TResponse>(IAmpCommand<TResponse> command, CancellationToken cancellationToken, int callTimeout)
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(command);
        var descriptor = (CommandDescriptor<TResponse>)CommandDescriptor.For(command.GetType());
        if (!descriptor.RequiresAnswer)
        {
            throw new InvalidOperationException($"Command {descriptor.Name} asks for no answer; send it with SendAsync.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResponse>(cancellationToken);
        }

        return AmpInstruments.CallsObserved && command is not ExtensionHello
            ? CallObservedAsync(descriptor, command, cancellationToken, callTimeout)
            : CallRemoteCore(descriptor, command, cancellationToken, callTimeout);
    }

    /// <summary>A call with its span and metrics: the span is current while the box is written, so the box carries its context.</summary>
    private async Task<TResponse> CallObservedAsync<TResponse>(CommandDescriptor<TResponse> descriptor, IAmpCommand<TResponse> command, CancellationToken cancellationToken, int callTimeout)
        where TResponse : class
    {
        ObservedCall observed = ObservedCall.StartClient(descriptor.Name, Name);
        try
        {
            return await CallRemoteCore(descriptor, command, cancellationToken, callTimeout).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            observed.SetError(ObservedCall.ErrorTypeOf(e, descriptor));
            throw;
        }
        finally
        {
            observed.End();
        }
    }

    private Task<TResponse> CallRemoteCore<TResponse>(CommandDescriptor<TResponse> descriptor, IAmpCommand<TResponse> command, CancellationToken cancellationToken, int callTimeout)
        where TResponse : class
    {
        if (RefusesNewCall(command))
        {
            return Refused<TResponse>(descriptor.Name);
        }

        if (command is IAmpLayerCommand change)
        {
            return CallChangingLayersAsync(descriptor, command, change.CreateChange(this), cancellationToken);
        }

        if (descriptor.ArgumentsHaveStreams || descriptor.ResponseHasStreams)
        {
            return CallWithStreamsAsync(descriptor, command, cancellationToken, callTimeout);
        }

        var call = new TypedPendingCall<TResponse>(descriptor);
        if (!_writer.CanQueueNow)
        {
            return CallWhenRoomAsync(call, buffer =>
            {
                descriptor.WriteCall(command, AmpTag.FromNumber(_pending.NextTag()), buffer);
                AppendCallKeys(buffer, CarriedTimeout(callTimeout));
            }, cancellationToken);
        }

        return Call(call, descriptor, command, cancellationToken, callTimeout);
    }

    /// <summary>
    /// Sends a command without asking for an answer (no <c>_ask</c>): the task completes once the box
    /// is queued. The peer reports nothing back, even on failure.
    /// </summary>
    /// <typeparam name="TResponse">The command's response type (unused).</typeparam>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="cancellationToken">Stops waiting for room in the outgoing queue.</param>
    /// <returns>A task that completes when the box is queued.</returns>
    /// <exception cref="AmpArgumentException">An argument is missing or has no wire form.</exception>
    /// <exception cref="AmpConnectionLostException">The connection has ended.</exception>
    /// <exception cref="AmpConnectionClosingException">A graceful close has begun on either side.</exception>
    public Task SendAsync<TResponse>(IAmpCommand<TResponse> command, CancellationToken cancellationToken = default)
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(command);
        var descriptor = (CommandDescriptor<TResponse>)CommandDescriptor.For(command.GetType());
        if (RefusesNewCall(command))
        {
            return Refused(descriptor.Name);
        }

        return SendBoxAsync(buffer =>
        {
            _pending.NextTag();
            descriptor.WriteCall(command, null, buffer);
        }, cancellationToken);
    }

    /// <summary>Calls a command by name with a raw box of arguments (Twisted's <c>callRemoteString</c>).</summary>
    /// <param name="commandName">The wire name.</param>
    /// <param name="arguments">The arguments; reserved keys are set by the connection.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The raw answer box, <c>_answer</c> included.</returns>
    /// <exception cref="AmpRemoteException">The peer answered with an error box.</exception>
    /// <exception cref="AmpConnectionLostException">The connection ended before the answer.</exception>
    /// <exception cref="AmpConnectionClosingException">A graceful close has begun on either side.</exception>
    public Task<AmpBox> CallRemoteStringAsync(string commandName, AmpBox? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(commandName);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AmpBox>(cancellationToken);
        }

        if (RefusesNewCall(null))
        {
            return Refused<AmpBox>(commandName);
        }

        var call = new RawPendingCall(commandName);
        return CallWhenRoomAsync(call, buffer => WriteRawCall(commandName, arguments, _pending.NextTag(), buffer), cancellationToken);
    }

    /// <summary>Sends a command by name without asking for an answer.</summary>
    /// <param name="commandName">The wire name.</param>
    /// <param name="arguments">The arguments.</param>
    /// <param name="cancellationToken">Stops waiting for room in the outgoing queue.</param>
    /// <returns>A task that completes when the box is queued.</returns>
    public Task SendRemoteStringAsync(string commandName, AmpBox? arguments = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(commandName);
        if (RefusesNewCall(null))
        {
            return Refused(commandName);
        }

        return SendBoxAsync(buffer =>
        {
            _pending.NextTag();
            WriteRawCall(commandName, arguments, 0, buffer);
        }, cancellationToken);
    }

    /// <summary>
    /// Closes the connection at once: queued boxes are written, then the transport is closed. Pending calls fail.
    /// <see cref="CloseAsync(CancellationToken)"/> closes gracefully instead.
    /// </summary>
    /// <returns>A task that completes when the transport is closed.</returns>
    public ValueTask CloseAsync() => _protocol.CloseAsync();

    /// <inheritdoc cref="CloseAsync()"/>
    public ValueTask DisposeAsync() => CloseAsync();

    /// <summary>A one-line state summary for diagnostics.</summary>
    /// <returns>The summary.</returns>
    public override string ToString() =>
        $"{Name} (pending-calls={_pending.Count}, running-responders={_incoming.Running}, state={_protocol.State}, layers={Layers}, connected={IsConnected})";
}
