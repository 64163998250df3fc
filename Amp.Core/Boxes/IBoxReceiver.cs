namespace Amp.Boxes;

/// <summary>
/// What a <see cref="BinaryBoxProtocol"/> hands its boxes to (Twisted's box receiver). Both members are
/// called on the protocol's read loop, one at a time.
/// </summary>
public interface IBoxReceiver
{
    /// <summary>
    /// Handles one complete box. A layer change is made from here: accept the peer's with
    /// <see cref="BinaryBoxProtocol.TryAcceptPeerChange"/>, or settle ours with
    /// <see cref="LayerChangeRequest.Accept"/> / <see cref="LayerChangeRequest.Refuse"/>; reading then stops
    /// after this box until the change is made.
    /// </summary>
    /// <param name="box">The box; valid only during the call.</param>
    /// <returns>
    /// <see langword="true"/> when handled; <see langword="false"/> to leave it unread: reading pauses,
    /// and the same box is offered again after <see cref="BinaryBoxProtocol.ResumeReading"/>.
    /// </returns>
    bool TryReceiveBox(in AmpBoxView box);

    /// <summary>Called once when the protocol ends, before its transport is closed.</summary>
    /// <param name="reason">Why it ended.</param>
    void ConnectionEnded(AmpConnectionLostException reason);
}
