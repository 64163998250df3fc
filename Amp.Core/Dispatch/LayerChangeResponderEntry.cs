using Amp.Boxes;
using Amp.Descriptors;
using Amp.Layers;

namespace Amp;

/// <summary>
/// A responder whose answer changes the layer stack: it answers on the current top, then the box layer
/// makes the change it chose before anything else is read or written.
/// </summary>
internal sealed class LayerChangeResponderEntry<TCommand, TResponse> : ResponderEntry
    where TCommand : class, IAmpCommand<TResponse>
    where TResponse : class
{
    private readonly CommandDescriptor<TCommand, TResponse> _descriptor;
    private readonly Func<TCommand, AmpConnection, LayerChangeAnswer<TResponse>> _responder;

    public LayerChangeResponderEntry(Func<TCommand, AmpConnection, LayerChangeAnswer<TResponse>> responder)
        : this(CommandDescriptor<TCommand, TResponse>.Instance, responder)
    {
    }

    private LayerChangeResponderEntry(CommandDescriptor<TCommand, TResponse> descriptor, Func<TCommand, AmpConnection, LayerChangeAnswer<TResponse>> responder)
        : base(descriptor.Name, descriptor.NameBytes)
    {
        _descriptor = descriptor;
        _responder = responder;
    }

    public override bool ChangesLayers => true;

    public override Task? Invoke(ReadOnlySpan<byte> box, in BoxHeader header, IncomingCalls calls, CancellationToken cancellation)
    {
        if (!header.HasAsk)
        {
            calls.SendFailure(_descriptor, false, default, new AmpArgumentException(_descriptor.Name, "_ask", "a layer change must ask for an answer"));
            return null;
        }

        if (calls.Connection.Protocol.WouldRefusePeerChange())
        {
            calls.SendConflict(_descriptor.Name, header.Ask);
            return null;
        }

        LayerChangeAnswer<TResponse> answer;
        try
        {
            answer = _responder(_descriptor.ReadArguments(box), calls.Connection);
            ArgumentNullException.ThrowIfNull(answer.Change);
        }
        catch (Exception e)
        {
            calls.RefuseLayerChange(_descriptor, true, header.Ask, e);
            return null;
        }

        if (calls.Connection.Protocol.RefusePeerChangeForDepth(answer.Change) is { } tooDeep)
        {
            calls.RefuseLayerChange(_descriptor, true, header.Ask, new AmpRemoteException(AmpErrorCodes.LayerDepthLimit, "Refused: " + tooDeep + "."));
            return null;
        }

        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            _descriptor.WriteAnswer(answer.Response, header.Ask, buffer);
            if (!calls.Connection.Protocol.TryAcceptPeerChange(buffer.WrittenSpan, answer.Change))
            {
                calls.SendConflict(_descriptor.Name, header.Ask);
            }
        }
        catch (AmpException e)
        {
            // Unwritable answer, or the connection ended: nothing was changed.
            calls.RefuseLayerChange(_descriptor, true, header.Ask, e);
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }

        return null;
    }
}
