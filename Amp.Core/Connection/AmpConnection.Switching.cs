using Amp.Boxes;
using Amp.Commands;
using Amp.Commands.Descriptors;
using Amp.Connection;
using Amp.Switching;

namespace Amp;

public sealed partial class AmpConnection
{
    /// <summary>
    /// Asks the peer to hand this connection to another protocol (Twisted's <c>ProtocolSwitchCommand</c>).
    /// From the moment the command is queued, sending AMP fails with <see cref="AmpProtocolSwitchedException"/>.
    /// If the peer agrees, the returned handle carries the byte stream from exactly after its answer,
    /// and this AMP connection ends (reason <see cref="AmpDisconnectReason.ProtocolSwitched"/>); if it
    /// refuses, the call fails with its error and AMP goes on.
    /// </summary>
    /// <param name="command">The switch command; its answer carries no fields, as in Twisted.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>The switched connection.</returns>
    /// <exception cref="AmpRemoteException">The peer refused (declared errors arrive as their declared type).</exception>
    public async Task<AmpSwitchedConnection> SwitchProtocolAsync(IAmpCommand<AmpEmptyResponse> command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Volatile.Read(ref _activePark) is { Applied.IsCompleted: false } previous)
        {
            await previous.Applied.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var descriptor = (CommandDescriptor<AmpEmptyResponse>)CommandDescriptor.For(command.GetType());
        var park = _activePark = new WriterPark(refusesSends: true);
        var call = new ProtocolSwitchPendingCall(descriptor, this, park);
        ulong tag = _pending.NextTag();
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            descriptor.WriteCall(command, AmpTag.FromNumber(tag), buffer);
            QueueCall(call, tag, buffer.WrittenSpan, park);
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }

        return await call.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The connection's byte stream after AMP handed it to another protocol (set before
    /// <see cref="Completion"/> completes with <see cref="AmpDisconnectReason.ProtocolSwitched"/>), so the
    /// owner of the connection can wait for the new protocol: <c>await connection.SwitchedTo.Completion</c>.
    /// </summary>
    public AmpSwitchedConnection? SwitchedTo { get; private set; }

    /// <summary>
    /// Hands this connection to another protocol without a command (Twisted ticket 5015: a protocol
    /// replacing itself on its transport). AMP stops at a box boundary: right after the box being handled
    /// when called from a responder, else before anything more is parsed. Boxes already queued are
    /// written first; from this call on, sending AMP fails. Bytes received after the boundary are the
    /// first the returned connection reads, so the peer must not send its new protocol's bytes before
    /// it knows this side has switched (use <see cref="SwitchProtocolAsync"/> when it cannot know).
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The switched connection.</returns>
    /// <exception cref="AmpConnectionLostException">The connection ended first.</exception>
    public async Task<AmpSwitchedConnection> HandOverAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _activePark) is { Applied.IsCompleted: false } previous)
        {
            await previous.Applied.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var handedOver = new TaskCompletionSource<AmpSwitchedConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        _readLoop.RequestStop(
            async () =>
            {
                // At the boundary: the answers to every box read so far are queued, so they go out before the hand-over.
                try
                {
                    var park = _activePark = new WriterPark(refusesSends: true);
                    _writer.Enqueue(ReadOnlySpan<byte>.Empty, park);
                    handedOver.TrySetResult(await CompleteHandOverAsync(park).ConfigureAwait(false));
                }
                catch (Exception e)
                {
                    handedOver.TrySetException(e);
                }

                return false;
            },
            e => handedOver.TrySetException(e));
        return await handedOver.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs as a read-loop barrier: once the switch's box is flushed, AMP stops writing, the connection
    /// ends as switched, and the top of the stack goes to the new protocol.
    /// </summary>
    internal async Task<AmpSwitchedConnection> CompleteHandOverAsync(WriterPark park)
    {
        await park.Flushed.WaitAsync(Closing).ConfigureAwait(false);
        park.HandOver();
        await park.Applied.ConfigureAwait(false);
        var switched = new AmpSwitchedConnection(_stack, Name);
        SwitchedTo = switched;
        End(AmpDisconnectReason.ProtocolSwitched, "The connection was handed to another protocol.", null);
        return switched;
    }
}
