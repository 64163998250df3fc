using System.IO.Pipelines;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Layers;

/// <summary>What a pushed layer's factory gets: the pipe it goes over and facts about the connection.</summary>
public sealed class LayerPushContext
{
    internal LayerPushContext(IDuplexPipe below, AmpTransport transport, IReadOnlyList<AmpLayer> layers, string connectionName, ILoggerFactory loggerFactory)
    {
        Below = below;
        Transport = transport;
        Layers = layers;
        ConnectionName = connectionName;
        LoggerFactory = loggerFactory;
    }

    /// <summary>
    /// The current top of the stack, positioned exactly after the box that announced the change: the
    /// first bytes it reads are the peer's first bytes for the new layer (a TLS handshake, for example).
    /// </summary>
    public IDuplexPipe Below { get; }

    /// <summary>The transport at the bottom of the stack (its <see cref="AmpTransport.Role"/> says which side connected).</summary>
    public AmpTransport Transport { get; }

    /// <summary>The layers already pushed, bottom first.</summary>
    public IReadOnlyList<AmpLayer> Layers { get; }

    /// <summary>The connection's name, for logs.</summary>
    public string ConnectionName { get; }

    /// <summary>The connection's logger factory.</summary>
    public ILoggerFactory LoggerFactory { get; }
}
