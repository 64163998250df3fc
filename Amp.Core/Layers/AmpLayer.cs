using System.IO.Pipelines;

namespace Amp.Layers;

/// <summary>
/// A layer pushed on top of a connection's transport (a TLS layer, for example). It reads and writes
/// the pipe below it and is itself a pipe for the layer above.
/// </summary>
public abstract class AmpLayer : IDuplexPipe, IAsyncDisposable
{
    /// <inheritdoc/>
    public abstract PipeReader Input { get; }

    /// <inheritdoc/>
    public abstract PipeWriter Output { get; }

    /// <summary>A short name for diagnostics, such as <c>tls(1.3)</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Ends this layer's writing side for a pop (TLS sends close_notify); the layer below stays open.
    /// By default, completes <see cref="Output"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the connection ends.</param>
    /// <returns>A task that completes when the closing is written.</returns>
    public virtual async ValueTask CloseWritingAsync(CancellationToken cancellationToken) =>
        await Output.CompleteAsync().ConfigureAwait(false);

    /// <summary>Stops the layer and releases it; the pipe below stays open.</summary>
    /// <remarks>
    /// A connection torn down disposes its layers while its read loop may still be inside a read of
    /// <see cref="Input"/> on another thread. A layer whose reads use buffers or native state (a decoder, an
    /// engine) must end that read (<see cref="PipeReader.CancelPendingRead"/>) and wait for it to return before
    /// releasing them; <see cref="ReadTrackingPipeReader"/> tells when it has. The TLS and compression layers do.
    /// </remarks>
    /// <returns>A task that completes when the layer has stopped.</returns>
    public abstract ValueTask DisposeAsync();

    /// <inheritdoc/>
    public override string ToString() => Name;
}
