using Amp.Layers;

namespace Amp.Compression;

/// <summary>
/// Compression for AMP connections (an Amp.NET extension; spec/amp-wire.md §12b): starting and stopping a
/// Deflate layer, and answering the peer's requests to. Nothing is compressed unless one side calls
/// <see cref="StartCompressionAsync"/> and the other has registered <see cref="AddStartCompression(AmpResponders, CompressionLayerOptions?)"/>.
/// </summary>
public static class AmpCompression
{
    /// <summary>The error code a responder refuses StartCompression or StopCompression with.</summary>
    private const string CompressionError = "COMPRESSION_ERROR";

    /// <summary>
    /// Calls StartCompression on the peer and pushes a compression layer when it agrees: boxes sent from now
    /// on are held until the layer is up, then sent compressed (uncompressed if the peer refuses). Amp.NET
    /// peers only: other AMP implementations answer <c>UNHANDLED</c>, and the connection goes on uncompressed.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="options">This side's settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (see spec/amp-wire.md §12a for what a late cancellation does).</param>
    /// <returns>A task that completes when the layer is pushed on this side.</returns>
    /// <exception cref="AmpRemoteException">
    /// The peer refused: <c>COMPRESSION_ERROR</c> when the connection is already compressed, <c>UNHANDLED</c>
    /// without a StartCompression responder.
    /// </exception>
    /// <exception cref="AmpLayerChangeConflictException">The peer asked for a layer change at the same moment and its change won; retry.</exception>
    public static Task StartCompressionAsync(this AmpConnection connection, CompressionLayerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // Whether the connection is already compressed is left to the responder: it sees the stack at the
        // command's place in the byte stream, while this side may still be popping a layer, or have a
        // StopCompression queued ahead of this call.
        return connection.CallRemoteAsync(new StartCompression { Options = options ?? new CompressionLayerOptions() }, cancellationToken);
    }

    /// <summary>
    /// Calls StopCompression: the top compression layer is ended both ways (final Deflate block and end frame)
    /// and the connection goes on in the layer below, with no byte lost. StartCompression may be called again afterwards.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>A task that completes when the layer is popped on this side's writing end.</returns>
    /// <exception cref="InvalidOperationException">The top layer is not a compression layer (nothing is sent).</exception>
    /// <exception cref="AmpRemoteException">The peer refused (<c>COMPRESSION_ERROR</c>, or <c>UNHANDLED</c> without a StopCompression responder).</exception>
    public static Task StopCompressionAsync(this AmpConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.CallRemoteAsync(new StopCompression(), cancellationToken);
    }

    /// <summary>
    /// Answers the peer's StartCompression with these settings. A connection that is already compressed
    /// (at any depth) refuses with <c>COMPRESSION_ERROR</c>: compressing compressed bytes only costs time.
    /// </summary>
    /// <param name="responders">The responder table.</param>
    /// <param name="options">This side's settings; <see langword="null"/> for the defaults.</param>
    /// <returns>The table.</returns>
    public static AmpResponders AddStartCompression(this AmpResponders responders, CompressionLayerOptions? options = null)
    {
        options ??= new CompressionLayerOptions();
        return responders.AddStartCompression(_ => options);
    }

    /// <summary>Answers the peer's StartCompression with settings chosen per connection; throw to refuse.</summary>
    /// <param name="responders">The responder table.</param>
    /// <param name="choose">Picks the settings for a connection.</param>
    /// <returns>The table.</returns>
    public static AmpResponders AddStartCompression(this AmpResponders responders, Func<AmpConnection, CompressionLayerOptions> choose)
    {
        ArgumentNullException.ThrowIfNull(responders);
        ArgumentNullException.ThrowIfNull(choose);
        return responders.AddLayerChange<StartCompression, AmpEmptyResponse>((_, connection) =>
        {
            if (IsCompressed(connection))
            {
                throw new AmpRemoteException(CompressionError, "The connection is already compressed.");
            }

            CompressionLayerOptions options = choose(connection) ?? throw new InvalidOperationException("The StartCompression responder chose no options.");
            return new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, PushCompression(options));
        });
    }

    /// <summary>Answers the peer's StopCompression by popping the top compression layer; refuses with <c>COMPRESSION_ERROR</c> when there is none on top.</summary>
    /// <param name="responders">The responder table.</param>
    /// <returns>The table.</returns>
    public static AmpResponders AddStopCompression(this AmpResponders responders)
    {
        ArgumentNullException.ThrowIfNull(responders);
        return responders.AddLayerChange<StopCompression, AmpEmptyResponse>(
            (_, connection) => connection.GetLayers() is [.., CompressionLayer]
                ? new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, LayerChange.Pop<CompressionLayer>())
                : throw new AmpRemoteException(CompressionError, "No compression layer to stop."));
    }

    /// <summary>
    /// The push of a compression layer with <paramref name="options"/>. Held boxes do not need it (see
    /// <see cref="StartCompression"/>): if the peer refuses, they go out uncompressed.
    /// </summary>
    internal static LayerChange PushCompression(CompressionLayerOptions options) => LayerChange.Push(
        "compression",
        (context, _) => ValueTask.FromResult<AmpLayer>(new CompressionLayer(context.Below, options)),
        heldBoxesNeedTheNewLayer: false,
        check: static layers => HasCompression(layers) ? "the connection is already compressed" : null);

    private static bool HasCompression(IReadOnlyList<AmpLayer> layers)
    {
        foreach (AmpLayer layer in layers)
        {
            if (layer is CompressionLayer)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCompressed(AmpConnection connection)
    {
        foreach (AmpLayer layer in connection.GetLayers())
        {
            if (layer is CompressionLayer)
            {
                return true;
            }
        }

        return false;
    }
}
