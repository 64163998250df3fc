using System.Diagnostics;
using System.Text;
using Amp.Diagnostics;
using Amp.Boxes;
using Amp.Cancellation;
using Amp.Descriptors;
using Amp.BoxProtocol;
using Amp.Connection;
using Amp.Logging;
using Amp.Streams;
using Microsoft.Extensions.Logging;

namespace Amp;

/// <summary>
/// Runs the peer's commands: finds the responder, counts the ones still running, and writes answers
/// and error boxes exactly as Twisted does. Responders are started on the read loop and run there
/// until their first real await.
/// </summary>
internal sealed partial class IncomingCalls
{
    private readonly AmpResponders _responders;
    private readonly OutgoingWriter _writer;
    private readonly ILogger _logger;
    private readonly int _maxRunning;
    private readonly bool _closeOnUnknown;
    private readonly CallCancellations? _cancellations;
    private readonly Lock _lock = new();
    private int _running;
    private TaskCompletionSource? _slotWaiter;

    public IncomingCalls(AmpConnection connection, OutgoingWriter writer, AmpConnectionOptions options, CancellationToken closing)
    {
        Connection = connection;
        Closing = closing;
        _writer = writer;
        _responders = options.Responders;
        _logger = options.LoggerFactory.CreateLogger("Amp.Dispatch");
        _maxRunning = options.MaxConcurrentIncomingCalls;
        _closeOnUnknown = options.CloseOnUnknownError;
        if ((options.Extensions & AmpExtensions.Cancellation) != 0)
        {
            // Each call gets a token of its own, which the connection's end cancels as it cancels Closing.
            _cancellations = new CallCancellations();
            closing.UnsafeRegister(static state => ((CallCancellations)state!).CancelAll(), _cancellations);
        }
    }

    public AmpConnection Connection { get; }

    /// <summary>Called when a running responder completes (the read loop may have commands set aside).</summary>
    public Action? SlotFreed { get; set; }

    public CancellationToken Closing { get; }

    public int Running => Volatile.Read(ref _running);

    /// <summary>Whether reading must pause until a running responder completes.</summary>
    public bool AtLimit => Volatile.Read(ref _running) >= _maxRunning;

    public Task WaitForSlotAsync()
    {
        lock (_lock)
        {
            if (_running < _maxRunning)
            {
                return Task.CompletedTask;
            }

            _slotWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _slotWaiter.Task;
        }
    }

    /// <summary>Whether the command is the extension hello: answered at once by the connection, never set aside, whatever the writer's room.</summary>
    public bool IsExtensionHello(ReadOnlySpan<byte> command) => Connection.ExtensionResponder is { } hello && command.SequenceEqual(hello.NameBytes);

    /// <summary>Whether the command's responder changes the layer stack (so reading must stop after it).</summary>
    public bool ChangesLayers(ReadOnlySpan<byte> command) => _responders.Find(command)?.ChangesLayers ?? false;

    /// <summary>The connection's streams, when the peer agreed to the streams extension.</summary>
    public StreamTable? Streams => Connection.AgreedStreams;

    public void Dispatch(ReadOnlySpan<byte> box, in BoxHeader header)
    {
        StreamTable? streams = header.HasStreams ? Streams : null;
        streams?.Announce(header.Streams);
        try
        {
            Start(box, header);
        }
        finally
        {
            // Streams the box announced that no field took (no responder, malformed arguments) are stopped.
            streams?.StopUnclaimed(header.Streams);
        }
    }

    private void Start(ReadOnlySpan<byte> box, in BoxHeader header)
    {
        ResponderEntry? builtIn = Connection.BuiltInResponder(header.Command);
        ResponderEntry? responder = builtIn ?? _responders.Find(header.Command);
        if (responder is null)
        {
            string name = Encoding.UTF8.GetString(header.Command);
            Log.Dispatch.UnhandledCommand(_logger, name);
            if (header.HasAsk)
            {
                SendError(header.Ask, AmpErrorCodes.Unhandled, "Unhandled Command: " + WireText.PythonBytesRepr(header.Command));
            }

            return;
        }

        ulong tag = 0;
        CancellationTokenSource? cancellation = _cancellations?.Begin(header, out tag);
        Activity? previous = null;
        ObservedCall? observed = null;
        if (builtIn is null && AmpInstruments.CallsObserved)
        {
            // The extensions' own commands (hello, ping) are not the application's calls: no span. The span is current while the responder starts, so its work and the calls it makes are its children.
            previous = Activity.Current;
            observed = ObservedCall.StartServer(responder.Name, Connection.Name, header.TraceParent, header.TraceState);
        }

        Task? running;
        try
        {
            running = responder.Invoke(box, header, this, cancellation?.Token ?? Closing);
        }
        catch
        {
            EndCancellation(tag, cancellation);
            observed?.SetError("responder threw");
            observed?.End();
            throw;
        }
        finally
        {
            observed?.LeaveServing(previous);
        }

        if (running is not null && !running.IsCompleted)
        {
            Interlocked.Increment(ref _running);
            _ = TrackAsync(running, tag, cancellation, observed);
        }
        else
        {
            EndCancellation(tag, cancellation);
            observed?.End();
        }
    }

    /// <summary>
    /// Whether a command's box may be handled here: a malformed <c>_timeout</c> is refused as the box is
    /// read (on the read loop), before the command is started or set aside.
    /// </summary>
    /// <exception cref="AmpProtocolException">The command's <c>_timeout</c> is malformed.</exception>
    public void CheckCommand(in BoxHeader header)
    {
        if (_cancellations is not null)
        {
            CallCancellations.CheckTimeout(header);
        }
    }

    /// <summary>Handles the caller's <c>_cancel</c> box: the named call's token fires.</summary>
    /// <param name="tag">The tag the call was asked with.</param>
    /// <param name="commandsWait">Whether commands are set aside (the call may be one of them, not started yet).</param>
    public void Cancel(ReadOnlySpan<byte> tag, bool commandsWait) => _cancellations!.Cancel(tag, commandsWait);

    /// <summary>Whether this side takes <c>_cancel</c> boxes (it supports the cancellation extension).</summary>
    public bool TakesCancellations => _cancellations is not null;

    private void EndCancellation(ulong tag, CancellationTokenSource? cancellation)
    {
        if (cancellation is not null)
        {
            _cancellations!.End(tag, cancellation);
        }
    }

    /// <summary>Writes and queues the answer; returns when its streams (if any) have been sent, or <see langword="null"/>.</summary>
    public Task? SendAnswer<TResponse>(CommandDescriptor<TResponse> descriptor, TResponse response, ReadOnlySpan<byte> tag)
        where TResponse : class
    {
        BoxBuffer buffer = BoxBuffer.Rent();
        StreamBinder? streams = descriptor.ResponseHasStreams && Streams is { } table ? new StreamBinder(table, ownsSources: true) : null;
        try
        {
            descriptor.WriteAnswer(response, tag, buffer, streams);
        }
        catch (AmpException e)
        {
            streams?.DiscardOutgoing();
            BoxBuffer.Return(buffer);
            Log.Dispatch.AnswerNotWritable(_logger, descriptor.Name, e);
            SendUnknown(tag);
            return null;
        }

        Send(buffer);
        return streams?.OutgoingDone;
    }

    /// <inheritdoc cref="SendAnswer{TResponse}(CommandDescriptor{TResponse}, TResponse, ReadOnlySpan{byte})"/>
    public Task? SendAnswer<TResponse>(CommandDescriptor<TResponse> descriptor, TResponse response, AmpTag tag)
        where TResponse : class
    {
        Span<byte> bytes = tag.MaxLength <= 64 ? stackalloc byte[64] : new byte[tag.MaxLength];
        return SendAnswer(descriptor, response, bytes.Slice(0, tag.Format(bytes)));
    }

    public void SendRawAnswer(string command, AmpBox answer, AmpTag tag)
    {
        AmpBox box = new(answer.Count + 1);
        foreach (KeyValuePair<string, ReadOnlyMemory<byte>> entry in answer)
        {
            box[entry.Key] = entry.Value;
        }

        Span<byte> bytes = tag.MaxLength <= 64 ? stackalloc byte[64] : new byte[tag.MaxLength];
        box["_answer"] = bytes.Slice(0, tag.Format(bytes)).ToArray();
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            BoxWriter.Write(box, buffer);
        }
        catch (ArgumentException e)
        {
            BoxBuffer.Return(buffer);
            Log.Dispatch.AnswerNotWritable(_logger, command, e);
            SendUnknown(bytes.Slice(0, tag.Format(bytes)));
            return;
        }

        Send(buffer);
    }

    public void SendFailure(CommandDescriptor? descriptor, bool hasAsk, ReadOnlySpan<byte> ask, Exception exception) =>
        SendFailure(descriptor, hasAsk ? AmpTag.FromWire(ask) : null, exception, descriptor?.Name ?? "?");

    /// <summary>
    /// Refuses the peer's layer change: the error goes out at once, in the current layer, ahead of boxes
    /// held for a change of this side's that the peer's crossed (and won): both sides still speak this layer,
    /// and the peer waits for this answer before it can answer ours.
    /// </summary>
    public void RefuseLayerChange(CommandDescriptor descriptor, bool hasAsk, ReadOnlySpan<byte> ask, Exception exception) =>
        SendFailure(descriptor, hasAsk ? AmpTag.FromWire(ask) : null, exception, descriptor.Name, default, now: true);

    public void SendFailure(CommandDescriptor descriptor, AmpTag? tag, Exception exception) =>
        SendFailure(descriptor, tag, exception, descriptor.Name);

    /// <summary>Maps a responder's failure to the error box Twisted would send.</summary>
    public void SendFailure(CommandDescriptor? descriptor, AmpTag? tag, Exception exception, string command, CancellationToken callToken = default, bool now = false)
    {
        string code;
        string description;
        bool fatal = false;
        ErrorDescriptor? declared = descriptor?.FindDeclaredError(exception);
        if (exception is OperationCanceledException && callToken.IsCancellationRequested && _cancellations is not null && !Closing.IsCancellationRequested)
        {
            // The caller cancelled the call (or its deadline passed) and has stopped waiting: no failure of ours.
            code = AmpErrorCodes.Cancelled;
            description = "The call was cancelled by its caller, or its deadline passed.";
            Log.Dispatch.CallCancelled(_logger, command);
        }
        else if (declared is not null)
        {
            code = declared.Code;
            description = exception.Message;
            fatal = declared.Fatal;
            if (fatal)
            {
                Log.Dispatch.FatalErrorSent(_logger, command, code);
            }
            else
            {
                Log.Dispatch.DeclaredErrorSent(_logger, command, code);
            }
        }
        else if (exception is AmpRemoteException remote && exception is not AmpUnhandledCommandException)
        {
            code = remote.ErrorCode;
            description = remote.Description;
        }
        else
        {
            if (exception is AmpArgumentException argument && argument.CommandName == command)
            {
                Log.Dispatch.MalformedArguments(_logger, command, argument.Message);
            }
            else if (tag is not null)
            {
                Log.Dispatch.ResponderFailed(_logger, command, exception);
            }

            code = AmpErrorCodes.Unknown;
            description = AmpErrorCodes.UnknownDescription;
            fatal = _closeOnUnknown;
        }

        ObservedCall.ServedError(code);
        if (tag is { } t)
        {
            Span<byte> bytes = t.MaxLength <= 64 ? stackalloc byte[64] : new byte[t.MaxLength];
            SendError(bytes.Slice(0, t.Format(bytes)), code, description, now);
        }
        else
        {
            Log.Dispatch.UnansweredCommandFailed(_logger, command, exception);
        }

        if (fatal)
        {
            Connection.CloseAfterFatalError(code, description);
        }
    }

    /// <summary>Refuses the peer's layer change because ours crosses it and wins the tie-break (spec §13.3).</summary>
    public void SendConflict(string command, ReadOnlySpan<byte> tag)
    {
        Log.Dispatch.DeclaredErrorSent(_logger, command, AmpErrorCodes.LayerChangeConflict);
        SendError(tag, AmpErrorCodes.LayerChangeConflict,
            $"This side has a layer change in flight and wins the tie-break (its transport accepted the connection); {command} was not made. Ask again.");
    }

    private void SendUnknown(ReadOnlySpan<byte> tag) => SendError(tag, AmpErrorCodes.Unknown, AmpErrorCodes.UnknownDescription);

    private void SendError(ReadOnlySpan<byte> tag, string code, string description, bool now = false)
    {
        BoxBuffer buffer = BoxBuffer.Rent();
        buffer.WriteEntry(ReservedKeys.Error, tag);
        Span<byte> codeBytes = Encoding.UTF8.GetBytes(code);
        buffer.WriteEntry(ReservedKeys.ErrorCode, codeBytes);
        byte[] descriptionBytes = Encoding.UTF8.GetBytes(description);
        buffer.WriteEntry(ReservedKeys.ErrorDescription, descriptionBytes.AsSpan(0, Math.Min(descriptionBytes.Length, AmpLimits.WireMaxValueLength)));
        buffer.WriteEnd();
        Send(buffer, now);
    }

    private void Send(BoxBuffer buffer, bool now = false)
    {
        try
        {
            if (now)
            {
                _writer.EnqueueBeforeHeld(buffer.WrittenSpan);
            }
            else
            {
                _writer.Enqueue(buffer.WrittenSpan);
            }
        }
        catch (AmpException)
        {
            // The connection ended or switched protocols: a late answer is dropped, as Twisted drops it.
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }
    }

    private async Task TrackAsync(Task running, ulong tag, CancellationTokenSource? cancellation, ObservedCall? observed)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Responder failures are answered inside the entry; nothing reaches here but a bug, which must not crash the process.
        }

        EndCancellation(tag, cancellation);
        observed?.End();

        TaskCompletionSource? waiter = null;
        TaskCompletionSource? noneRunning;
        lock (_lock)
        {
            _running--;
            if (_running < _maxRunning)
            {
                waiter = _slotWaiter;
                _slotWaiter = null;
            }

            noneRunning = TakeNoneRunningLocked();
        }

        waiter?.TrySetResult();
        noneRunning?.TrySetResult();
        SlotFreed?.Invoke();
    }
}
