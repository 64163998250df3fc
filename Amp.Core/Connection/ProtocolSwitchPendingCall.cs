using Amp.Descriptors;

namespace Amp.Connection;

/// <summary>Our protocol-switch call: its success answer is the last AMP box this side reads.</summary>
internal sealed class ProtocolSwitchPendingCall : LayerChangePendingCall<AmpSwitchedConnection>
{
    public ProtocolSwitchPendingCall(CommandDescriptor descriptor, AmpConnection connection)
        : base(descriptor, connection)
    {
    }

    protected override AmpSwitchedConnection Result(AmpSwitchedConnection? response) => Connection.SwitchedTo!;

    // The caller cancelled after the switch was asked for: nobody owns the stream, so it is closed.
    protected override void Unclaimed(AmpSwitchedConnection result) => _ = result.DisposeAsync().AsTask();
}
