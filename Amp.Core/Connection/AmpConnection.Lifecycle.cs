using Amp.Boxes;
using Amp.Commands.Descriptors;
using Amp.Connection;
using Amp.Logging;

namespace Amp;

public sealed partial class AmpConnection
{
    /// <summary>Sends a fatal error's box, then closes (Twisted's <c>QuitBox</c>).</summary>
    internal void CloseAfterFatalError(string code, string description) =>
        End(AmpDisconnectReason.FatalError, $"A fatal error was sent: Code<{code}>: {description}", null);

    /// <summary>
    /// Ends the connection once: fails every pending call with one exception carrying the reason,
    /// writes what is queued (briefly), closes the transport and completes <see cref="Completion"/>.
    /// </summary>
    internal void End(AmpDisconnectReason reason, string message, Exception? cause)
    {
        var lost = new AmpConnectionLostException(reason, message, cause);
        if (Interlocked.CompareExchange(ref _endReason, lost, null) is not null)
        {
            return;
        }

        if (reason is AmpDisconnectReason.LocallyClosed or AmpDisconnectReason.RemoteClosed && cause is null)
        {
            Log.Connection.ConnectionClosed(_logger, Name, reason);
        }
        else
        {
            Log.Connection.ConnectionFailed(_logger, Name, reason, message, cause);
        }

        _timeouts?.Dispose();
        _pending.FailAll(lost);
        Volatile.Read(ref _activePark)?.Fail(lost);

        // Before responders see Closing: whatever they answer from now on is dropped, never written after a fatal error.
        if (reason != AmpDisconnectReason.ProtocolSwitched)
        {
            _writer.RefuseNewBoxes(lost);
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
    }

    private async Task ShutdownAsync(AmpConnectionLostException lost)
    {
        if (lost.Reason == AmpDisconnectReason.ProtocolSwitched)
        {
            // The byte stream now belongs to the new protocol: AMP closes nothing.
            _completion.TrySetResult(lost);
            return;
        }

        try
        {
            if (lost.Reason is AmpDisconnectReason.TransportError)
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

    private Task<TResponse> Call<TResponse>(TypedPendingCall<TResponse> call, CommandDescriptor<TResponse> descriptor, object command, CancellationToken cancellationToken)
        where TResponse : class
    {
        ulong tag = _pending.NextTag();
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            descriptor.WriteCall(command, AmpTag.FromNumber(tag), buffer);
            Register(call, tag, cancellationToken);
            QueueCall(call, tag, buffer.WrittenSpan);
        }
        catch (AmpException e)
        {
            call.Fail(e);
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }

        return call.Task;
    }

    private async Task<TResult> CallWhenRoomAsync<TResult>(TaskCompletionSource<TResult> call, Action<BoxBuffer> write, CancellationToken cancellationToken)
    {
        TaskCompletionSource turn = await _writer.WaitForTurnAsync(cancellationToken).ConfigureAwait(false);
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            write(buffer);
            ulong tag = ReadOwnTag(buffer.WrittenSpan);
            Register((IPendingCall)call, tag, cancellationToken);
            QueueCall((IPendingCall)call, tag, buffer.WrittenSpan);
        }
        finally
        {
            BoxBuffer.Return(buffer);
            turn.TrySetResult();
        }

        return await call.Task.ConfigureAwait(false);
    }

    private async Task SendBoxAsync(Action<BoxBuffer> write, CancellationToken cancellationToken)
    {
        TaskCompletionSource turn = await _writer.WaitForTurnAsync(cancellationToken).ConfigureAwait(false);
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            write(buffer);
            _writer.Enqueue(buffer.WrittenSpan);
        }
        finally
        {
            BoxBuffer.Return(buffer);
            turn.TrySetResult();
        }
    }

    /// <summary>
    /// Registers a call under its tag and queues its box (with the layer change it announces, if any);
    /// undoes the registration if the box cannot be queued.
    /// </summary>
    private void QueueCall(IPendingCall call, ulong tag, ReadOnlySpan<byte> box, LayerChange? change = null)
    {
        // Layer changes and switches are not timed: abandoning one half-way would leave the two sides on different layers.
        _pending.Add(tag, call, change is null && _timeouts is { } timeouts ? timeouts.DeadlineFromNow() : 0);
        try
        {
            if (change is null)
            {
                _writer.Enqueue(box, tag);
            }
            else
            {
                _writer.Enqueue(box, change);
            }
        }
        catch
        {
            _pending.TryRemove(tag, out _);
            throw;
        }
    }

    private void Register(IPendingCall call, ulong tag, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return;
        }

        CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
            static (state, token) =>
            {
                var (connection, pendingCall, callTag) = ((AmpConnection, IPendingCall, ulong))state!;
                connection._pending.Abandon(callTag);
                pendingCall.Fail(new OperationCanceledException(token));
            },
            (this, call, tag));
        call.Cancellation = registration;
    }

    private static void WriteRawCall(string commandName, Amp.Boxes.AmpBox? arguments, ulong tag, BoxBuffer buffer)
    {
        var box = new Amp.Boxes.AmpBox((arguments?.Count ?? 0) + 2);
        if (arguments is not null)
        {
            foreach (KeyValuePair<string, ReadOnlyMemory<byte>> entry in arguments)
            {
                box[entry.Key] = entry.Value;
            }
        }

        box.SetString("_command", commandName);
        if (tag != 0)
        {
            box["_ask"] = System.Text.Encoding.ASCII.GetBytes(tag.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        }

        BoxWriter.Write(box, buffer);
    }

    private static ulong ReadOwnTag(ReadOnlySpan<byte> box)
    {
        var entries = new AmpBoxView.Enumerator(box);
        while (entries.MoveNext())
        {
            if (entries.Current.Key.SequenceEqual(ReservedKeys.Ask) && AmpTag.TryParseCanonical(entries.Current.Value, out ulong tag))
            {
                return tag;
            }
        }

        throw new InvalidOperationException("A call box was written without its tag.");
    }
}
