using Amp.Diagnostics;
using Amp.Boxes;
using Amp.Descriptors;
using Amp.BoxProtocol;
using Amp.Connection;

namespace Amp;

public sealed partial class AmpConnection
{
    /// <summary>Sends a fatal error's box, then closes (Twisted's <c>QuitBox</c>).</summary>
    internal void CloseAfterFatalError(string code, string description) =>
        End(AmpDisconnectReason.FatalError, $"A fatal error was sent: Code<{code}>: {description}", null);

    /// <summary>Ends the connection once (see <see cref="BinaryBoxProtocol.End"/>); pending calls fail with the reason.</summary>
    internal void End(AmpDisconnectReason reason, string message, Exception? cause) => _protocol.End(reason, message, cause);

    /// <summary>Called by the box layer once, as the connection ends: every pending call fails with one exception carrying the reason.</summary>
    internal void OnEnded(AmpConnectionLostException lost)
    {
        AmpInstruments.ConnectionEnded(lost.Reason);
        _timeouts?.Dispose();
        _keepAlive?.Dispose();
        _pending.FailAll(lost);
        EndStreams(lost);
    }

    /// <summary>Fails the calls whose boxes were held for a layer change that did not happen.</summary>
    private void FailHeldCalls(IReadOnlyList<ulong> tags, Exception reason)
    {
        foreach (ulong tag in tags)
        {
            if (_pending.TryRemove(tag, out IPendingCall? call))
            {
                call!.Fail(reason);
            }
        }
    }

    private Task<TResponse> Call<TResponse>(TypedPendingCall<TResponse> call, CommandDescriptor<TResponse> descriptor, object command, CancellationToken cancellationToken, int callTimeout)
        where TResponse : class
    {
        ulong tag = _pending.NextTag();
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            descriptor.WriteCall(command, AmpTag.FromNumber(tag), buffer);
            AppendCallKeys(buffer, CarriedTimeout(callTimeout));
            QueueCall(call, tag, buffer.WrittenSpan);
            Register(call, tag, cancellationToken);
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
            QueueCall((IPendingCall)call, tag, buffer.WrittenSpan);
            Register((IPendingCall)call, tag, cancellationToken);
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
            _writer.Enqueue(buffer.WrittenSpan, 0, isCall: true);
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
    private void QueueCall(IPendingCall call, ulong tag, ReadOnlySpan<byte> box)
    {
        _pending.Add(tag, call, _timeouts is { } timeouts ? timeouts.DeadlineFromNow() : 0);
        try
        {
            _writer.Enqueue(box, tag, isCall: true);
        }
        catch
        {
            _pending.TryRemove(tag, out _);
            throw;
        }
    }

    /// <summary>
    /// Lets the caller's token abandon the call. Registered only once the call is in the table: a token
    /// cancelled while the box was being written then finds the call and takes it out, instead of
    /// finding nothing and leaving it there for good.
    /// </summary>
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
                if (connection._pending.Abandon(callTag))
                {
                    // Still unanswered: the peer may still be working on it.
                    connection.CancelAtPeer(callTag);
                }

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
