using System.IO.Pipelines;

namespace Amp.Connection;

/// <summary>
/// A change of the layer stack that the writer makes right after a given box is written: push a TLS
/// layer, pop one, or hand the connection to another protocol. Until it is applied, boxes queued after
/// that box wait (or, for a protocol switch, are refused).
/// </summary>
internal abstract class LayerChange
{
    /// <summary>Whether sends are refused (not held) until the change is applied or abandoned.</summary>
    public abstract bool RefusesSends { get; }

    /// <summary>
    /// Applies the change once every box before it has been flushed to <paramref name="current"/>.
    /// Returns the writer for what follows, <paramref name="current"/> to go on unchanged, or
    /// <see langword="null"/> when AMP no longer writes on this connection.
    /// </summary>
    public abstract ValueTask<PipeWriter?> ApplyAsync(PipeWriter current);

    /// <summary>
    /// Whether boxes queued behind the change are dropped (their calls failed) when the peer refuses it:
    /// boxes held for TLS must never go out in plaintext.
    /// </summary>
    public virtual bool DropsHeldBoxesOnRefusal => false;

    /// <summary>The peer's refusal, once it refused the change.</summary>
    public virtual Exception? RefusedWith => null;

    /// <summary>Called by the writer once it goes on after the change (its state is clear for the next one).</summary>
    public virtual void OnApplied()
    {
    }
}
