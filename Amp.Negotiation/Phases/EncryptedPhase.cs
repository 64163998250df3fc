using System.IO.Pipelines;
using Amp.Negotiation.Blocks;
using Amp.Negotiation.Http;
using Amp.Negotiation.Logging;
using Amp.Tls;
using Amp.Transports;
using Microsoft.Extensions.Logging;

namespace Amp.Negotiation.Phases;

/// <summary>
/// The encrypted and deciding phases (spec/amp-wire.md §16.4-16.8): TLS over the transport, both Hello blocks, the
/// master's decision, then AMP over the TLS layer with the decided extension set. Whatever the peer sent after the
/// last block it read stays in the TLS layer's input, for AMP.
/// </summary>
internal sealed partial class EncryptedPhase
{
    private readonly AmpNegotiator _node;
    private readonly AmpTransport _transport;
    private readonly string _target;
    private readonly bool _isConnectingSide;
    private readonly CancellationToken _cancellationToken;
    private TlsLayer _layer = null!;

    private EncryptedPhase(AmpNegotiator node, AmpTransport transport, string target, bool isConnectingSide, CancellationToken cancellationToken)
    {
        _node = node;
        _transport = transport;
        _target = target;
        _isConnectingSide = isConnectingSide;
        _cancellationToken = cancellationToken;
    }

    private ILogger Logger => _node.Logger;

    private string Transport => _transport.Description;

    /// <summary>Runs both phases over <paramref name="transport"/>, positioned where the first TLS record will arrive.</summary>
    /// <exception cref="AmpNegotiationException">A block was malformed, the master refused, the decision was invalid.</exception>
    /// <exception cref="AmpTlsException">TLS failed.</exception>
    public static Task<AmpNegotiationResult> RunAsync(AmpNegotiator node, AmpTransport transport, TlsLayerOptions tls, string target, bool isConnectingSide, CancellationToken cancellationToken) =>
        new EncryptedPhase(node, transport, target, isConnectingSide, cancellationToken).RunAsync(tls);

    private async Task<AmpNegotiationResult> RunAsync(TlsLayerOptions tls)
    {
        _layer = await TlsLayer.StartAsync(_transport, tls, _isConnectingSide ? TlsRole.Client : TlsRole.Server, _cancellationToken).ConfigureAwait(false);
        bool started = false;
        try
        {
            NegotiationOffer local = _node.CreateOffer(_isConnectingSide ? _node.Peers.LastConnection(_target) : null);
            await WriteBlockAsync(HelloBlock.Write(local)).ConfigureAwait(false);
            NegotiationOffer peer = await ReadHelloAsync().ConfigureAwait(false);
            AmpNegotiationResult result = MasterRule.IsMaster(local.Id, peer.Id, isListeningSide: !_isConnectingSide)
                ? await DecideAsync(local, peer).ConfigureAwait(false)
                : await AwaitDecisionAsync(local, peer).ConfigureAwait(false);
            started = true;
            return result;
        }
        finally
        {
            if (!started)
            {
                await _layer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<NegotiationOffer> ReadHelloAsync()
    {
        NegotiationBlock block = await ReadBlockAsync("Hello").ConfigureAwait(false);
        NegotiationOffer peer;
        try
        {
            peer = HelloBlock.Read(block);
        }
        catch (FormatException e)
        {
            throw new AmpNegotiationException(NegotiationFailure.MalformedBlock, $"The peer's Hello block is malformed: {e.Message}.");
        }

        Log.Negotiation.HelloReceived(Logger, Transport, peer.Id ?? "(none)", peer.MinVersion, peer.MaxVersion, Describe(peer.Extensions));
        return peer;
    }

    /// <summary>Reads one block from the TLS layer, consuming exactly its bytes.</summary>
    private async Task<NegotiationBlock> ReadBlockAsync(string what)
    {
        int max = _node.Options.MaxBlockBytes;
        (byte[]? bytes, HeadScan status, long received) = await HeadReader.ReadAsync(_layer.Input, max, max, _cancellationToken).ConfigureAwait(false);
        switch (status)
        {
            case HeadScan.Incomplete:
                throw new AmpNegotiationException(NegotiationFailure.PeerClosed, $"The peer closed the connection after {received} bytes of its {what} block, before its end.");
            case HeadScan.TooLarge:
                throw new AmpNegotiationException(NegotiationFailure.BlockTooLarge, $"The peer's {what} block exceeds {max} bytes (NegotiationOptions.MaxBlockBytes).");
            case HeadScan.Malformed:
                throw new AmpNegotiationException(NegotiationFailure.MalformedBlock, $"The peer's {what} block is malformed: a line ends with a bare LF.");
        }

        try
        {
            return NegotiationBlock.Parse(bytes);
        }
        catch (FormatException e)
        {
            throw new AmpNegotiationException(NegotiationFailure.MalformedBlock, $"The peer's {what} block is malformed: {e.Message}.");
        }
    }

    /// <summary>Starts AMP over the TLS layer with the decided extensions, and records the connection.</summary>
    private AmpNegotiationResult StartAmp(NegotiationOffer peer, NegotiationDecision decision, bool isMaster, PeerTable.Entry entry, PeerTable.Entry? replaced)
    {
        AmpConnection connection;
        try
        {
            connection = AmpConnection.Start(_transport, [_layer], decision.Extensions, _node.Options.ConnectionOptions);
        }
        catch
        {
            // Never admitted for good: the next connection with this peer must not meet a ghost.
            _node.Peers.Forget(entry);
            throw;
        }

        var result = new AmpNegotiationResult(connection, _target, _isConnectingSide, isMaster, peer, decision, _layer.Info);
        if (!_node.Peers.Attach(entry, result))
        {
            // Replaced by a newer connection with the same peer while this one was being started.
            _ = connection.CloseAsync();
        }

        if (replaced is not null)
        {
            Log.Negotiation.ConnectionReplaced(Logger, Transport, peer.Id ?? "(none)", replaced.ConnectionId, decision.ConnectionId);
            if (replaced.Result is { } old)
            {
                _ = old.Connection.CloseAsync();
            }
        }

        Log.Negotiation.NegotiationDecided(Logger, Transport, _target, isMaster ? "this side" : "the peer", decision.Version, Describe(decision.Extensions), decision.ConnectionId);
        return result;
    }

    /// <summary>
    /// Writes a block. If the peer has gone, what it sent last says why (a TLS alert: with TLS 1.3 a client learns
    /// that its certificate was refused only after its handshake is done), so that is read and reported instead.
    /// </summary>
    private async ValueTask WriteBlockAsync(byte[] block)
    {
        try
        {
            await NegotiationDeadline.WriteAsync(_layer.Output, block, _cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or AmpNegotiationException { Failure: NegotiationFailure.PeerClosed })
        {
            throw await WhyThePeerLeftAsync(e).ConfigureAwait(false);
        }
    }

    private async Task<Exception> WhyThePeerLeftAsync(Exception writeFailure)
    {
        try
        {
            while (true)
            {
                ReadResult result = await _layer.Input.ReadAsync(_cancellationToken).ConfigureAwait(false);
                _layer.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (AmpTlsException tls)
        {
            return tls;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Nothing more to learn: the write's failure stands.
        }

        return new AmpNegotiationException(NegotiationFailure.PeerClosed, "The peer closed the connection while this side was writing to it.", writeFailure);
    }

    private static string Describe(AmpExtensions extensions) => extensions == AmpExtensions.None ? "none" : BlockValues.Extensions(extensions);
}
