using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Amp.Transports;

/// <summary>The receive and send loops of a <see cref="SocketTransport"/>.</summary>
public sealed partial class SocketTransport
{
    private async Task ReceiveLoopAsync()
    {
        PipeWriter writer = _input.Writer;
        Exception? error = null;
        int receiveSize = MinimumReceiveSize;
        try
        {
            while (true)
            {
                // After a receive that filled its buffer more is most likely waiting: receive it at once
                // rather than first waiting for it with a zero-byte receive (a system call that would
                // return at once).
                if (_options.WaitForDataBeforeAllocatingBuffer && receiveSize == MinimumReceiveSize)
                {
                    await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                }

                Memory<byte> buffer = writer.GetMemory(receiveSize);
                int received = await _socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break;
                }

                receiveSize = NextReceiveSize(received, buffer.Length);
                writer.Advance(received);
                ValueTask<FlushResult> flushing = writer.FlushAsync();
                FlushResult flush = flushing.IsCompletedSuccessfully
                    ? flushing.Result
                    : await WaitForRoomWatchingThePeerAsync(flushing).ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            error = ToTransportError(e);
        }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
            if (error is not null)
            {
                SignalClosed();
            }
        }
    }

    /// <summary>
    /// How much to receive next: while receives fill their buffers (bulk traffic, the socket holding more),
    /// twice as much each time up to <see cref="MaximumReceiveSize"/>, so a stream of large boxes costs one
    /// receive, one flush and one wake-up of the reader per 64 KiB rather than per pipe segment (4 KiB);
    /// after a receive that did not fill its buffer, back to <see cref="MinimumReceiveSize"/>. A buffer
    /// grows only after the previous one was filled, so however the peer splits its bytes the pipe holds
    /// at most one buffer (up to 64 KiB) beyond the trickle bound of twice the bytes received.
    /// </summary>
    private static int NextReceiveSize(int received, int bufferLength) =>
        received < bufferLength ? MinimumReceiveSize : Math.Min(MaximumReceiveSize, Math.Max(MinimumReceiveSize, bufferLength) * 2);

    /// <summary>
    /// Waits for the application to make room in <see cref="Input"/>. Nothing is received meanwhile, so
    /// a reset would go unseen: the socket's error state is checked at each interval instead.
    /// </summary>
    /// <exception cref="SocketException">The socket has failed (the peer reset the connection).</exception>
    private async Task<FlushResult> WaitForRoomWatchingThePeerAsync(ValueTask<FlushResult> flushing)
    {
        TimeSpan interval = _options.PeerCheckInterval;
        if (interval == Timeout.InfiniteTimeSpan)
        {
            return await flushing.ConfigureAwait(false);
        }

        Task<FlushResult> room = flushing.AsTask();
        using var stopChecking = new CancellationTokenSource();
        try
        {
            while (await Task.WhenAny(room, Task.Delay(interval, stopChecking.Token)).ConfigureAwait(false) != room)
            {
                if (!_closing && _socket.Poll(0, SelectMode.SelectError))
                {
                    var code = (SocketError)(int)_socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
                    throw new SocketException((int)(code == SocketError.Success ? SocketError.ConnectionReset : code));
                }
            }
        }
        finally
        {
            stopChecking.Cancel();
        }

        return await room.ConfigureAwait(false);
    }

    private void SignalClosed()
    {
        // Callbacks run on the thread pool, never inside a socket loop.
        _ = _closed.CancelAsync();
    }

    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync().ConfigureAwait(false);
                }
                catch (Exception) when (!_closing)
                {
                    // The application completed Output with an exception: drop what is queued, then end the stream.
                    break;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    if (result.IsCanceled)
                    {
                        break;
                    }

                    if (!buffer.IsEmpty)
                    {
                        _sending = true;
                        await _sender.SendAsync(buffer).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _sending = false;
                    reader.AdvanceTo(buffer.End);
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }

            if (!_closing)
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e)
        {
            error = ToTransportError(e);
        }
        finally
        {
            await reader.CompleteAsync(error).ConfigureAwait(false);
            if (error is not null)
            {
                SignalClosed();
            }
        }
    }

    /// <summary>
    /// Maps a loop's exception to what the application sees: nothing after a local close, an
    /// <see cref="IOException"/> for socket failures.
    /// </summary>
    private Exception? ToTransportError(Exception e)
    {
        if (_closing)
        {
            return null;
        }

        return e is SocketException socketError
            ? new IOException($"{Description}: {socketError.SocketErrorCode}: {socketError.Message}", socketError)
            : e;
    }
}
