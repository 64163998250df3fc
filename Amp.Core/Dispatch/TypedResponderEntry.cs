using Amp.Boxes;
using Amp.Descriptors;
using Amp.Streams;

namespace Amp;

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

    public override Task? Invoke(ReadOnlySpan<byte> box, in BoxHeader header, IncomingCalls calls, CancellationToken cancellation)
    {
        // Stream arguments are the responder's until it completes; then what it left unread is stopped.
        StreamBinder? streams = _descriptor.ArgumentsHaveStreams && calls.Streams is { } table ? new StreamBinder(table, ownsSources: false) : null;
        ValueTask<TResponse> pending;
        try
        {
            TCommand command = _descriptor.ReadArguments(box, streams);
            pending = _responder(command, calls.Connection, cancellation);
        }
        catch (Exception e)
        {
            streams?.ReleaseIncoming(ResponderDone);
            calls.SendFailure(_descriptor, header.HasAsk ? AmpTag.FromWire(header.Ask) : null, e, _descriptor.Name, cancellation);
            return null;
        }

        if (pending.IsCompletedSuccessfully)
        {
            // Completed already: reading the result does not block.
            Task? answerStreams = header.HasAsk ? calls.SendAnswer(_descriptor, pending.Result, header.Ask) : null;
            return Release(streams, answerStreams);
        }

        return CompleteAsync(pending, header.HasAsk ? AmpTag.FromWire(header.Ask) : null, calls, streams, cancellation);
    }

    private const string ResponderDone = "The responder completed before reading the stream to its end.";

    private async Task CompleteAsync(ValueTask<TResponse> pending, AmpTag? tag, IncomingCalls calls, StreamBinder? streams, CancellationToken cancellation)
    {
        TResponse response;
        try
        {
            response = await pending.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            streams?.ReleaseIncoming(ResponderDone);
            calls.SendFailure(_descriptor, tag, e, _descriptor.Name, cancellation);
            return;
        }

        Task? answerStreams = tag is { } t ? calls.SendAnswer(_descriptor, response, t) : null;
        Task? released = Release(streams, answerStreams);
        if (released is not null)
        {
            await released.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops what the responder left unread of its stream arguments, once its answer's streams (which may
    /// read from them) have been sent; returns the wait, if there is one.
    /// </summary>
    private static Task? Release(StreamBinder? streams, Task? answerStreams)
    {
        if (streams is null)
        {
            return null;
        }

        if (answerStreams is null)
        {
            streams.ReleaseIncoming(ResponderDone);
            return null;
        }

        return ReleaseAfterAsync(streams, answerStreams);
    }

    private static async Task ReleaseAfterAsync(StreamBinder streams, Task answerStreams)
    {
        await answerStreams.ConfigureAwait(false);
        streams.ReleaseIncoming(ResponderDone);
    }
}
