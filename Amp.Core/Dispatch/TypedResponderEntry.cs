using Amp.Boxes;
using Amp.Commands;
using Amp.Commands.Descriptors;

namespace Amp.Dispatch;

/// <summary>A responder for a typed command.</summary>
internal sealed class TypedResponderEntry<TCommand, TResponse> : ResponderEntry
    where TCommand : class, IAmpCommand<TResponse>
    where TResponse : class
{
    private readonly CommandDescriptor<TCommand, TResponse> _descriptor;
    private readonly Func<TCommand, AmpConnection, CancellationToken, ValueTask<TResponse>> _responder;

    public TypedResponderEntry(Func<TCommand, AmpConnection, CancellationToken, ValueTask<TResponse>> responder)
        : this(CommandDescriptor<TCommand, TResponse>.Instance, responder)
    {
    }

    private TypedResponderEntry(CommandDescriptor<TCommand, TResponse> descriptor, Func<TCommand, AmpConnection, CancellationToken, ValueTask<TResponse>> responder)
        : base(descriptor.Name, descriptor.NameBytes)
    {
        _descriptor = descriptor;
        _responder = responder;
    }

    public override Task? Invoke(ReadOnlySpan<byte> box, in BoxHeader header, IncomingCalls calls)
    {
        ValueTask<TResponse> pending;
        try
        {
            TCommand command = _descriptor.ReadArguments(box);
            pending = _responder(command, calls.Connection, calls.Closing);
        }
        catch (Exception e)
        {
            calls.SendFailure(_descriptor, header.HasAsk, header.Ask, e);
            return null;
        }

        if (pending.IsCompletedSuccessfully)
        {
            // Completed already: reading the result does not block.
            if (header.HasAsk)
            {
                calls.SendAnswer(_descriptor, pending.Result, header.Ask);
            }

            return null;
        }

        return CompleteAsync(pending, header.HasAsk ? AmpTag.FromWire(header.Ask) : null, calls);
    }

    private async Task CompleteAsync(ValueTask<TResponse> pending, AmpTag? tag, IncomingCalls calls)
    {
        TResponse response;
        try
        {
            response = await pending.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            calls.SendFailure(_descriptor, tag, e);
            return;
        }

        if (tag is { } t)
        {
            calls.SendAnswer(_descriptor, response, t);
        }
    }
}
