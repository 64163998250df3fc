using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics;
using Amp.Diagnostics;
using Amp.Boxes;

namespace Amp;

public sealed partial class AmpConnection
{
    // A _cancel box: the key, the tag (at most 16 hex digits) and the end marker.
    private const int MaxCancelBoxLength = 2 + 7 + 2 + 16 + 2;

    /// <summary>How many of the peer's calls have a responder running (for tests and diagnostics).</summary>
    internal int RunningResponders => _incoming.Running;

    /// <summary>How many of this side's calls wait for an answer (for tests and diagnostics).</summary>
    internal int PendingCallCount => _pending.Count;

    /// <summary>
    /// Calls a command on the peer with a timeout of its own: if no answer comes within
    /// <paramref name="timeout"/>, the call fails with <see cref="TimeoutException"/>. When the peer agreed to
    /// the cancellation extension (spec/amp-wire.md §15.5) the timeout travels with the call, so the peer's
    /// responder sees its token cancelled when it passes; a Twisted peer never sees it.
    /// </summary>
    /// <typeparam name="TResponse">The command's response type.</typeparam>
    /// <param name="command">The command and its arguments.</param>
    /// <param name="timeout">How long to wait for the answer; <see cref="Timeout.InfiniteTimeSpan"/> for no limit of its own.</param>
    /// <param name="cancellationToken">Cancels the call (and, with the extension, the peer's responder).</param>
    /// <returns>The response.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive (and not infinite), or over 2,147,483,647 ms.</exception>
    /// <exception cref="TimeoutException">No answer came within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="AmpConnectionLostException">The connection ended before the answer.</exception>
    public Task<TResponse> CallRemoteAsync<TResponse>(IAmpCommand<TResponse> command, TimeSpan timeout, CancellationToken cancellationToken = default)
        where TResponse : class
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return CallRemoteAsync(command, cancellationToken);
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout.TotalMilliseconds, int.MaxValue, nameof(timeout));
        return CallWithTimeoutAsync(command, timeout, cancellationToken);
    }

    private async Task<TResponse> CallWithTimeoutAsync<TResponse>(IAmpCommand<TResponse> command, TimeSpan timeout, CancellationToken cancellationToken)
        where TResponse : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await CallRemoteAsync(command, deadline.Token, (int)Math.Ceiling(timeout.TotalMilliseconds)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name}: no answer to {command.GetType().Name} within {timeout.TotalSeconds:0.###} s (the call's timeout); a late answer will be dropped.");
        }
    }

    /// <summary>
    /// The timeout a call carries to the peer, in milliseconds (0 for none): the call's own, else the
    /// connection's <see cref="AmpConnectionOptions.CallTimeout"/>; only when the peer agreed to cancellation.
    /// </summary>
    private int CarriedTimeout(int callTimeout)
    {
        if (!_extensions.Has(AmpExtensions.Cancellation))
        {
            return 0;
        }

        int connectionTimeout = _timeouts?.Milliseconds ?? 0;
        return callTimeout == 0 ? connectionTimeout : connectionTimeout == 0 ? callTimeout : Math.Min(callTimeout, connectionTimeout);
    }

    /// <summary>
    /// Adds the extension keys of a call box written to <paramref name="buffer"/>, before its end marker:
    /// <c>_timeout</c> (when <paramref name="milliseconds"/> is not 0), then the current span's
    /// <c>_traceparent</c> and <c>_tracestate</c> when the peer agreed to <c>trace/1</c> (spec §15.8).
    /// </summary>
    private void AppendCallKeys(BoxBuffer buffer, int milliseconds)
    {
        Activity? current = _extensions.Has(AmpExtensions.TraceContext) ? Activity.Current : null;
        if (milliseconds == 0 && current is not { IdFormat: ActivityIdFormat.W3C })
        {
            return;
        }

        buffer.Truncate(buffer.Length - 2);
        if (milliseconds != 0)
        {
            Span<byte> digits = stackalloc byte[10];
            Utf8Formatter.TryFormat(milliseconds, digits, out int length);
            buffer.WriteEntry(ReservedKeys.Timeout, digits.Slice(0, length));
        }

        if (current is { IdFormat: ActivityIdFormat.W3C })
        {
            TraceContextKeys.Write(buffer, current);
        }

        buffer.WriteEnd();
    }

    /// <summary>
    /// Tells the peer that this side stopped waiting for the call <paramref name="tag"/>, when the peer
    /// agreed to the cancellation extension (negotiating first if nothing is agreed yet). The call's box
    /// was queued before, so the peer reads the call before its cancel.
    /// </summary>
    internal void CancelAtPeer(ulong tag)
    {
        if (!_sendsCancellations)
        {
            return;
        }

        if (_extensions.Agreed is { } agreed)
        {
            if ((agreed & AmpExtensions.Cancellation) != 0)
            {
                SendCancel(tag);
            }

            return;
        }

        _ = CancelWhenAgreedAsync(tag);
    }

    private async Task CancelWhenAgreedAsync(ulong tag)
    {
        // Completes when the set is known, or with nothing agreed when the connection ends.
        AmpExtensions agreed = await _extensions.NegotiateAsync(this, CancellationToken.None).ConfigureAwait(false);
        if ((agreed & AmpExtensions.Cancellation) != 0)
        {
            SendCancel(tag);
        }
    }

    private void SendCancel(ulong tag)
    {
        Span<byte> box = stackalloc byte[MaxCancelBoxLength];
        BinaryPrimitives.WriteUInt16BigEndian(box, 7);
        ReservedKeys.Cancel.CopyTo(box.Slice(2));
        int length = AmpTag.FromNumber(tag).Format(box.Slice(11));
        BinaryPrimitives.WriteUInt16BigEndian(box.Slice(9), (ushort)length);
        box.Slice(11 + length, 2).Clear();
        try
        {
            _writer.Enqueue(box.Slice(0, 13 + length));
        }
        catch (AmpException)
        {
            // The connection ended or was handed over: there is nothing left to cancel.
        }
    }
}
