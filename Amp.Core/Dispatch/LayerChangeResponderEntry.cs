using Amp.Boxes;
using Amp.Commands;
using Amp.Commands.Descriptors;
using Amp.Connection;
using Amp.Layers;

namespace Amp.Dispatch;

/// <summary>
/// A responder whose answer changes the layer stack: it answers on the current top, then the layer it
/// chose is pushed before anything else is read or written.
/// </summary>
internal sealed class LayerChangeResponderEntry<TCommand, TResponse> : ResponderEntry
    where TCommand : class, IAmpCommand<TResponse>
    where TResponse : class
{
    private readonly CommandDescriptor<TCommand, TResponse> _descriptor;
    private readonly Func<TCommand, AmpConnection, LayerChangeAnswer<TResponse>> _responder;
    private readonly AmpDisconnectReason _failureReason;

    public LayerChangeResponderEntry(Func<TCommand, AmpConnection, LayerChangeAnswer<TResponse>> responder, AmpDisconnectReason failureReason)
        : this(CommandDescriptor<TCommand, TResponse>.Instance, responder, failureReason)
    {
    }

    private LayerChangeResponderEntry(CommandDescriptor<TCommand, TResponse> descriptor, Func<TCommand, AmpConnection, LayerChangeAnswer<TResponse>> responder, AmpDisconnectReason failureReason)
        : base(descriptor.Name, descriptor.NameBytes)
    {
        _descriptor = descriptor;
        _responder = responder;
        _failureReason = failureReason;
    }

    public override bool ChangesLayers => true;

    public override Task? Invoke(ReadOnlySpan<byte> box, in BoxHeader header, IncomingCalls calls)
    {
        if (!header.HasAsk)
        {
            calls.SendFailure(_descriptor, false, default, new AmpArgumentException(_descriptor.Name, "_ask", "a layer change must ask for an answer"));
            return null;
        }

        LayerChangeAnswer<TResponse> answer;
        try
        {
            answer = _responder(_descriptor.ReadArguments(box), calls.Connection);
        }
        catch (Exception e)
        {
            calls.SendFailure(_descriptor, true, header.Ask, e);
            return null;
        }

        BoxBuffer buffer = BoxBuffer.Rent();
        AmpConnection connection = calls.Connection;
        try
        {
            _descriptor.WriteAnswer(answer.Response, header.Ask, buffer);
            WriterPark park = connection.EnqueueChangingLayers(buffer.WrittenSpan);
            connection.RequestBarrier(async () =>
            {
                try
                {
                    await connection.ChangeLayersAsync(answer.Change, park).ConfigureAwait(false);
                    return true;
                }
                catch (Exception e)
                {
                    // The connection ends first, with this cause; the released writer's own failure comes too late to replace it.
                    connection.End(_failureReason, $"{_descriptor.Name} failed: {e.Message}", e);
                    park.Fail(e);
                    return false;
                }
            }, park.Fail);
        }
        catch (AmpException e)
        {
            // Unwritable answer, or the connection ended: nothing was changed.
            calls.SendFailure(_descriptor, true, header.Ask, e);
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }

        return null;
    }
}
