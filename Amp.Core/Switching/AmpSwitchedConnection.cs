using System.IO.Pipelines;
using Amp.Layers;

namespace Amp;

/// <summary>
/// The byte stream of a connection after AMP has handed it to another protocol, positioned exactly
/// after the box boundary of the switch: the first bytes read are the first bytes the peer's new
/// protocol wrote. Any layers (TLS) stay underneath. Disposing it closes the transport.
/// </summary>
public sealed class AmpSwitchedConnection : IAsyncDisposable
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    internal AmpSwitchedConnection(LayerStack stack, string name)
    {
        Stack = stack;
        Name = name;
        Pipe = stack.Top;
    }

    /// <summary>The connection's name (as the AMP connection's).</summary>
    public string Name { get; }

    /// <summary>The pipe to read and write: the top of the layer stack. Reading completes when the peer closes; a broken transport faults it.</summary>
    public IDuplexPipe Pipe { get; }

    /// <summary>The layers from the bottom up, such as <c>tcp 127.0.0.1:1-&gt;127.0.0.1:2 | tls(1.3)</c>.</summary>
    public string Layers => Stack.Describe();

    /// <summary>Completes when the switched connection has been closed.</summary>
    public Task Completion => _completion.Task;

    internal LayerStack Stack { get; }

    /// <summary>The layers under the switched stream, bottom first.</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<AmpLayer> GetLayers() => Stack.Snapshot();

    /// <summary>A <see cref="Stream"/> over <see cref="Pipe"/>, for code that wants one. Disposing the stream does not close the connection.</summary>
    /// <returns>The stream.</returns>
    public Stream AsStream() => new DuplexPipeStream(Pipe);

    /// <summary>Closes the switched connection: every layer, then the transport.</summary>
    /// <returns>A task that completes when the transport is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _completion.Task.ConfigureAwait(false);
            return;
        }

        try
        {
            await Pipe.Output.CompleteAsync().ConfigureAwait(false);
            await Stack.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _completion.TrySetResult();
        }
    }
}
