using System.IO.Pipelines;

namespace Amp.Layers;

/// <summary>
/// A change of the layer stack made at a box boundary, on each side, once the box announcing it has
/// been flushed and the read loop has released its reader.
/// </summary>
internal abstract class StackChange
{
    /// <summary>Makes the change; returns the writer for the boxes that follow.</summary>
    public abstract Task<PipeWriter> ApplyAsync(LayerStack stack, CancellationToken cancellationToken);

    /// <summary>Pushes the layer <paramref name="factory"/> builds.</summary>
    public static StackChange Push(LayerFactory factory) => new PushChange(factory);

    /// <summary>
    /// Pops the top layer: its writing side closes now (for TLS, close_notify) and boxes go to the layer
    /// below; its reading side is popped when it ends (the peer's close_notify), so the bytes that follow
    /// are read from the layer below.
    /// </summary>
    public static StackChange Pop() => new PopChange();

    private sealed class PushChange(LayerFactory factory) : StackChange
    {
        public override async Task<PipeWriter> ApplyAsync(LayerStack stack, CancellationToken cancellationToken)
        {
            AmpLayer layer = await factory(stack.Top, cancellationToken).ConfigureAwait(false);
            stack.Push(layer);
            return layer.Output;
        }
    }

    private sealed class PopChange : StackChange
    {
        public override async Task<PipeWriter> ApplyAsync(LayerStack stack, CancellationToken cancellationToken)
        {
            AmpLayer top = stack.TopLayer ?? throw new InvalidOperationException("There is no layer to pop.");
            await top.CloseWritingAsync(cancellationToken).ConfigureAwait(false);
            top.PopWhenInputEnds = true;
            return stack.Below(top).Output;
        }
    }
}
