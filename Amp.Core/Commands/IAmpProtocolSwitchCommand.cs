namespace Amp;

/// <summary>
/// Marks a class as a protocol-switch command (Twisted's <c>ProtocolSwitchCommand</c>): its success
/// answer hands the connection to another protocol. Declare it with <see cref="AmpCommandAttribute"/>
/// like any command; its answer carries no fields. It is deliberately not an
/// <see cref="IAmpCommand{TResponse}"/>, so it cannot be passed to <c>CallRemoteAsync</c> by mistake
/// (an ordinary call would switch the peer and leave this side speaking AMP): call it with
/// <see cref="AmpConnection.SwitchProtocolAsync"/> and answer it with
/// <see cref="AmpResponders.AddProtocolSwitch{TCommand}"/>.
/// </summary>
#pragma warning disable CA1040 // A marker: the type system keeps switch commands out of CallRemoteAsync.
public interface IAmpProtocolSwitchCommand
{
}
#pragma warning restore CA1040
