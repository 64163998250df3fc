using Amp.Connection;
using Amp.Descriptors;
using Amp.Layers;

namespace Amp;

public sealed partial class AmpConnection
{
    /// <summary>
    /// Asks the peer to hand this connection to another protocol (Twisted's <c>ProtocolSwitchCommand</c>).
    /// From the moment the command is queued, new calls fail with <see cref="AmpProtocolSwitchedException"/>
    /// (answers to the peer's calls are held). If the peer agrees, the returned handle carries the byte
    /// stream from exactly after its answer, and this AMP connection ends (reason
    /// <see cref="AmpDisconnectReason.ProtocolSwitched"/>); if it refuses, the call fails with its error and AMP goes on.
    /// </summary>
    /// <param name="command">The switch command; its answer carries no fields, as in Twisted.</param>
    /// <param name="cancellationToken">
    /// Before the command is written: withdraws it (nothing is sent, nothing switches). After: the caller
    /// stops waiting, and if the peer agrees the switched stream is closed, since nobody would own it.
    /// </param>
    /// <returns>The switched connection.</returns>
    /// <exception cref="AmpRemoteException">The peer refused (declared errors arrive as their declared type).</exception>
    public Task<AmpSwitchedConnection> SwitchProtocolAsync(IAmpProtocolSwitchCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<AmpSwitchedConnection>(cancellationToken);
        }

        CommandDescriptor descriptor = CommandDescriptor.For(command.GetType());
        if (RefusesNewCall(command))
        {
            return Refused<AmpSwitchedConnection>(descriptor.Name);
        }

        var call = new ProtocolSwitchPendingCall(descriptor, this);
        StartChange(call, descriptor, command, LayerChange.HandOver(), cancellationToken);
        return call.Task;
    }

    /// <summary>
    /// The connection's byte stream after AMP handed it to another protocol (set before
    /// <see cref="Completion"/> completes with <see cref="AmpDisconnectReason.ProtocolSwitched"/>), so the
    /// owner of the connection can wait for the new protocol: <c>await connection.SwitchedTo.Completion</c>.
    /// </summary>
    public AmpSwitchedConnection? SwitchedTo => _protocol.SwitchedTo;

    /// <summary>
    /// Hands this connection to another protocol without a command (Twisted ticket 5015: a protocol
    /// replacing itself on its transport). AMP stops at a box boundary: right after the box being handled
    /// when called from a responder, else before anything more is parsed. Boxes already queued are
    /// written first; from this call on, new calls fail. Bytes received after the boundary are the
    /// first the returned connection reads, so the peer must not send its new protocol's bytes before
    /// it knows this side has switched (use <see cref="SwitchProtocolAsync"/> when it cannot know).
    /// </summary>
    /// <param name="cancellationToken">Withdraws the hand-over if nothing has happened yet; later, the switched stream is closed instead of returned.</param>
    /// <returns>The switched connection.</returns>
    /// <exception cref="AmpConnectionLostException">The connection ended first.</exception>
    public Task<AmpSwitchedConnection> HandOverAsync(CancellationToken cancellationToken = default) => _protocol.HandOverAsync(cancellationToken);
}
