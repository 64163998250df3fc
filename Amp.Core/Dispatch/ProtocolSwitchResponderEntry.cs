using Amp.Boxes;
using Amp.Descriptors;
using Amp.Layers;

namespace Amp;

/// <summary>
/// Answers a protocol-switch command: the responder picks the protocol (or throws to refuse); the
/// answer is the last AMP box written, and the byte stream after it goes to that protocol.
/// </summary>
internal sealed class ProtocolSwitchResponderEntry<TCommand> : ResponderEntry
    where TCommand : class, IAmpProtocolSwitchCommand
{
    private readonly CommandDescriptor<TCommand, AmpEmptyResponse> _descriptor;
    private readonly Func<TCommand, AmpConnection, Func<AmpSwitchedConnection, Task>> _choose;

    public ProtocolSwitchResponderEntry(Func<TCommand, AmpConnection, Func<AmpSwitchedConnection, Task>> choose)
        : this(CommandDescriptor<TCommand, AmpEmptyResponse>.Instance, choose)
    {
    }

    private ProtocolSwitchResponderEntry(CommandDescriptor<TCommand, AmpEmptyResponse> descriptor, Func<TCommand, AmpConnection, Func<AmpSwitchedConnection, Task>> choose)
        : base(descriptor.Name, descriptor.NameBytes)
    {
        _descriptor = descriptor;
        _choose = choose;
    }

    public override bool ChangesLayers => true;

    public override Task? Invoke(ReadOnlySpan<byte> box, in BoxHeader header, IncomingCalls calls, CancellationToken cancellation)
    {
        if (calls.Connection.Protocol.WouldRefusePeerChange())
        {
            if (header.HasAsk)
            {
                calls.SendConflict(_descriptor.Name, header.Ask);
            }

            return null;
        }

        Func<AmpSwitchedConnection, Task> protocol;
        try
        {
            protocol = _choose(_descriptor.ReadArguments(box), calls.Connection);
        }
        catch (Exception e)
        {
            calls.RefuseLayerChange(_descriptor, header.HasAsk, header.Ask, e);
            return null;
        }

        AmpConnection connection = calls.Connection;
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            if (header.HasAsk)
            {
                _descriptor.WriteAnswer(AmpEmptyResponse.Instance, header.Ask, buffer);
            }

            if (connection.Protocol.TryAcceptPeerChange(buffer.WrittenSpan, LayerChange.HandOver()))
            {
                _ = RunWhenSwitchedAsync(connection, protocol);
            }
            else if (header.HasAsk)
            {
                calls.SendConflict(_descriptor.Name, header.Ask);
            }
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }

        return null;
    }

    private static async Task RunWhenSwitchedAsync(AmpConnection connection, Func<AmpSwitchedConnection, Task> protocol)
    {
        AmpConnectionLostException ended = await connection.Completion.ConfigureAwait(false);
        if (ended.Reason != AmpDisconnectReason.ProtocolSwitched || connection.SwitchedTo is not { } switched)
        {
            return;
        }

        try
        {
            await protocol(switched).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The new protocol's failure is its own; ending it closes the transport below.
        }
        finally
        {
            await switched.DisposeAsync().ConfigureAwait(false);
        }
    }
}
