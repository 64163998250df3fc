using Amp.Layers;
using Amp.Transports;
using Microsoft.Extensions.Logging;
using Log = Amp.Tls.Logging.Log;

namespace Amp.Tls;

/// <summary>StartTLS for AMP connections: calling it, answering it, and what each TLS layer negotiated.</summary>
public static class AmpTls
{
    /// <summary>
    /// Calls StartTLS on the peer and pushes a TLS layer when it agrees: from now on, boxes are held until
    /// TLS is up, then sent through it. On TCP the side that connected is the TLS client, as in Twisted.
    /// Calling it again pushes TLS inside TLS (Amp.NET peers only: Twisted refuses a second StartTLS).
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="options">This side's TLS settings.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>What the new layer negotiated.</returns>
    /// <exception cref="AmpTlsException">
    /// The handshake failed (the connection is closed); or the options cannot work in any role
    /// (<see cref="TlsFailure.InvalidOptions"/>, thrown before anything is sent; the connection goes on).
    /// </exception>
    /// <exception cref="AmpRemoteException">The peer refused StartTLS (the connection stays in its layers).</exception>
    public static async Task<TlsConnectionInfo> StartTlsAsync(this AmpConnection connection, TlsLayerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        var command = new StartTls { Options = options };
        await connection.CallRemoteAsync(command, cancellationToken).ConfigureAwait(false);
        return command.Negotiated!;
    }

    /// <summary>Answers the peer's StartTLS with these settings.</summary>
    /// <param name="responders">The responder table.</param>
    /// <param name="options">This side's TLS settings (a TLS server needs a certificate).</param>
    /// <returns>The table.</returns>
    /// <exception cref="ArgumentException">The options cannot work in any role (a pre-shared key with the SslStream engine, say).</exception>
    public static AmpResponders AddStartTls(this AmpResponders responders, TlsLayerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FindProblem(isClient: null) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        return responders.AddStartTls(_ => options);
    }

    /// <summary>Answers the peer's StartTLS with settings chosen per connection; throw to refuse.</summary>
    /// <param name="responders">The responder table.</param>
    /// <param name="choose">Picks the settings for a connection (for example by its layer depth).</param>
    /// <returns>The table.</returns>
    public static AmpResponders AddStartTls(this AmpResponders responders, Func<AmpConnection, TlsLayerOptions> choose)
    {
        ArgumentNullException.ThrowIfNull(responders);
        ArgumentNullException.ThrowIfNull(choose);
        return responders.AddLayerChange<StartTls, AmpEmptyResponse>(
            (_, connection) => new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, PushTls(choose(connection), null)));
    }

    /// <summary>
    /// Calls StopTLS (an Amp.NET extension; Twisted has none): the top TLS layer is closed with
    /// close_notify both ways and the connection goes on in the layer below (plaintext, or the outer TLS
    /// layer), with no byte lost. StartTLS may be called again afterwards.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="cancellationToken">Stops waiting for the answer.</param>
    /// <returns>A task that completes when the layer is popped on this side's writing end.</returns>
    /// <exception cref="InvalidOperationException">The top layer is not a TLS layer.</exception>
    /// <exception cref="AmpRemoteException">The peer refused (code <c>TLS_ERROR</c>, or <c>UNHANDLED</c> without a StopTLS responder).</exception>
    public static Task StopTlsAsync(this AmpConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.CallRemoteAsync(new StopTls(), cancellationToken);
    }

    /// <summary>Answers the peer's StopTLS by popping the top TLS layer; refuses with <c>TLS_ERROR</c> when there is none.</summary>
    /// <param name="responders">The responder table.</param>
    /// <returns>The table.</returns>
    public static AmpResponders AddStopTls(this AmpResponders responders)
    {
        ArgumentNullException.ThrowIfNull(responders);
        return responders.AddLayerChange<StopTls, AmpEmptyResponse>(
            (_, connection) => connection.GetLayers() is [.., TlsLayer]
                ? new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, LayerChange.Pop<TlsLayer>())
                : throw new AmpRemoteException("TLS_ERROR", "No TLS layer to stop."));
    }

    /// <summary>What each TLS layer of the connection negotiated, outermost first.</summary>
    /// <param name="connection">The connection.</param>
    /// <returns>The layers' facts; empty when the connection is not encrypted.</returns>
    public static IReadOnlyList<TlsConnectionInfo> GetTlsLayers(this AmpConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return TlsLayersOf(connection.GetLayers());
    }

    /// <summary>What each TLS layer under a switched connection negotiated, outermost first.</summary>
    /// <param name="connection">The connection after a protocol switch.</param>
    /// <returns>The layers' facts; empty when the stream is not encrypted.</returns>
    public static IReadOnlyList<TlsConnectionInfo> GetTlsLayers(this AmpSwitchedConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return TlsLayersOf(connection.GetLayers());
    }

    private static List<TlsConnectionInfo> TlsLayersOf(IReadOnlyList<AmpLayer> stack)
    {
        var layers = new List<TlsConnectionInfo>();
        foreach (AmpLayer layer in stack)
        {
            if (layer is TlsLayer tls)
            {
                layers.Add(tls.Info);
            }
        }

        return layers;
    }

    /// <summary>The push of a TLS layer with <paramref name="options"/>; the role comes from the transport unless the options set it.</summary>
    internal static LayerChange PushTls(TlsLayerOptions options, Action<TlsLayer>? started) => LayerChange.Push("tls", async (context, cancellationToken) =>
    {
        ILogger logger = context.LoggerFactory.CreateLogger("Amp.Tls");
        int depth = TlsLayersOf(context.Layers).Count + 1;
        try
        {
            bool isClient = options.Role switch
            {
                TlsRole.Client => true,
                TlsRole.Server => false,
                _ => context.Transport.Role switch
                {
                    AmpTransportRole.Initiator => true,
                    AmpTransportRole.Acceptor => false,
                    _ => throw new AmpTlsException(TlsFailure.InvalidOptions,
                        $"The transport ({context.Transport.Description}) does not say which side connected; set TlsLayerOptions.Role."),
                },
            };
            TlsLayer layer = await TlsLayer.StartAsync(context.Below, options, isClient, depth, cancellationToken).ConfigureAwait(false);
            Log.Tls.TlsLayerStarted(logger, context.ConnectionName, layer.Info);
            started?.Invoke(layer);
            return layer;
        }
        catch (AmpTlsException e)
        {
            Log.Tls.TlsHandshakeFailed(logger, context.ConnectionName, e.Failure, e.Message);
            throw;
        }
    });
}
