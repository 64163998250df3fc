using System.IO.Pipelines;

namespace Amp.Layers;

/// <summary>Builds a layer on top of <paramref name="below"/> (for TLS, runs the handshake) and returns it.</summary>
/// <param name="below">The current top of the stack, positioned exactly after the box that announced the change.</param>
/// <param name="cancellationToken">Cancelled when the connection ends.</param>
/// <returns>The new layer, ready to carry boxes.</returns>
internal delegate Task<AmpLayer> LayerFactory(IDuplexPipe below, CancellationToken cancellationToken);

/// <summary>What a layer-changing responder decided: the response to send, and the change to make after it.</summary>
internal readonly record struct LayerChangeAnswer<TResponse>(TResponse Response, StackChange Change)
    where TResponse : class;
