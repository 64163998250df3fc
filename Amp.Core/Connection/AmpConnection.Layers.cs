using Amp.Boxes;
using Amp.Commands;
using Amp.Commands.Descriptors;
using Amp.Connection;
using Amp.Layers;

namespace Amp;

public sealed partial class AmpConnection
{
    /// <summary>The number of layers pushed on the transport.</summary>
    public int LayerDepth => _stack.Depth;

    internal LayerStack Stack => _stack;

    internal Microsoft.Extensions.Logging.ILoggerFactory LoggerFactory { get; }

    // The writer's current park, failed if the connection ends so the writer does not wait for a layer that never comes.
    private WriterPark? _activePark;

    /// <summary>
    /// Calls a command that changes the layer stack. From the moment its box is queued, later boxes
    /// wait; when the answer arrives, the change <paramref name="createChange"/> made is applied on the
    /// released stack, and the waiting boxes go out on the new top. A change still in progress is waited for first. An error answer leaves the stack as it was.
    /// </summary>
    internal async Task<TResponse> CallChangingLayersAsync<TResponse>(IAmpCommand<TResponse> command, Func<StackChange> createChange, AmpDisconnectReason failureReason, CancellationToken cancellationToken)
        where TResponse : class
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Volatile.Read(ref _activePark) is { Applied.IsCompleted: false } previous)
        {
            // The previous change (ours, or the peer's we answered) is still being made: queue behind it.
            await previous.Applied.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Decided only now, on the stack as the previous change left it.
        StackChange change = createChange();
        var descriptor = (CommandDescriptor<TResponse>)CommandDescriptor.For(command.GetType());
        var park = _activePark = new WriterPark(dropsHeldBoxesOnRefusal: command is ILayerChangingCommand { HeldBoxesNeedTheNewLayer: true });
        var call = new LayerChangePendingCall<TResponse>(descriptor, this, park, change, failureReason);
        ulong tag = _pending.NextTag();
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            descriptor.WriteCall(command, AmpTag.FromNumber(tag), buffer);
            Register(call, tag, cancellationToken);
            QueueCall(call, tag, buffer.WrittenSpan, park);
        }
        catch (AmpException e)
        {
            call.Fail(e);
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }

        return await call.Task.ConfigureAwait(false);
    }

    /// <summary>Fails the calls whose boxes were held for a layer change that the peer refused.</summary>
    private void FailHeldCalls(IReadOnlyList<ulong> tags, Exception refusal)
    {
        foreach (ulong tag in tags)
        {
            if (_pending.TryRemove(tag, out IPendingCall? call))
            {
                call!.Fail(refusal);
            }
        }
    }

    /// <summary>Stops the read loop after the box being handled; see <see cref="BoxReadLoop.RequestBarrier"/>.</summary>
    internal void RequestBarrier(Func<Task<bool>> barrier, Action<Exception> abandoned) => _readLoop.RequestBarrier(barrier, abandoned);

    /// <summary>Why the connection ended, once it has.</summary>
    internal AmpConnectionLostException? EndReason => Volatile.Read(ref _endReason);

    /// <summary>
    /// Makes <paramref name="change"/> once the writer has flushed the box announcing it, then resumes the
    /// writer where the change says. Runs as a read-loop barrier, so the reader below is free.
    /// </summary>
    internal async Task ChangeLayersAsync(StackChange change, WriterPark park)
    {
        await park.Flushed.WaitAsync(Closing).ConfigureAwait(false);
        park.Resume(await change.ApplyAsync(_stack, Closing).ConfigureAwait(false));
        await park.Applied.WaitAsync(Closing).ConfigureAwait(false);
    }

    /// <summary>Queues an answer box after which the writer parks until the layer change is made.</summary>
    internal WriterPark EnqueueChangingLayers(ReadOnlySpan<byte> answer, bool refusesSends = false)
    {
        var park = new WriterPark(refusesSends);
        _writer.Enqueue(answer, park);
        _activePark = park;
        return park;
    }
}
