using Amp.BoxProtocol;

namespace Amp;

// The end of a graceful close: this side ends its output first and reads on until the peer ends its own.
public sealed partial class BinaryBoxProtocol
{
    // How long the peer is given to end its side once ours has ended; a peer that does not is cut.
    private static readonly TimeSpan s_lingerTimeout = TimeSpan.FromSeconds(5);

    private int _outputEnded;

    /// <summary>Whether this side has ended its output for a graceful close: the peer's end of stream then completes this side's close.</summary>
    internal bool OutputEnded => Volatile.Read(ref _outputEnded) != 0;

    /// <summary>
    /// Closes as a lingering close: queued boxes are written, the transport's output is completed (the peer
    /// reads the end of the stream, below any layer), and reading goes on until the peer ends its side, which
    /// ends the connection as <see cref="AmpDisconnectReason.LocallyClosed"/>. What the peer still sends
    /// meanwhile (a grant, a late answer) is read and dropped instead of meeting a closed transport: a peer
    /// whose write failed could end before reading the answers it was sent. A transport that cannot
    /// half-close, or a peer that does not end its side within a few seconds, is closed at once.
    /// </summary>
    /// <returns>A task that completes when the connection has ended and its transport is closed.</returns>
    internal async Task CloseLingeringAsync()
    {
        if (Transport.HalfCloses && !HasEnded && Interlocked.Exchange(ref _outputEnded, 1) == 0)
        {
            var ended = new AmpConnectionLostException(AmpDisconnectReason.LocallyClosed, "The connection was closed by this side.");
            Task lingering = Task.Delay(s_lingerTimeout, Closing);
            Task flushed = _writer.CompleteAsync(ended);
            if (await Task.WhenAny(flushed, _completion.Task, lingering).ConfigureAwait(false) == flushed && !HasEnded)
            {
                try
                {
                    await Transport.Output.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // A transport already failing ends the connection through its input: nothing to add here.
                }

                await Task.WhenAny(_completion.Task, lingering).ConfigureAwait(false);
            }
        }

        await CloseAsync().ConfigureAwait(false);
    }
}
