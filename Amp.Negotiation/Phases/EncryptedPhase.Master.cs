using System.Security.Cryptography;
using Amp.Negotiation.Blocks;
using Amp.Negotiation.Logging;

namespace Amp.Negotiation.Phases;

// The master's side of the deciding phase (spec/amp-wire.md §16.6-16.7).
internal sealed partial class EncryptedPhase
{
    private async Task<AmpNegotiationResult> DecideAsync(NegotiationOffer local, NegotiationOffer peer)
    {
        int version = MasterRule.CommonVersion(local, peer);
        if (version == 0)
        {
            throw await RefuseAsync(NegotiationFailure.NoCommonVersion,
                $"no common protocol version: this side speaks {local.MinVersion}-{local.MaxVersion}, the peer {peer.MinVersion}-{peer.MaxVersion}").ConfigureAwait(false);
        }

        AmpExtensions extensions = local.Extensions & peer.Extensions;
        NegotiationVerdict verdict;
        try
        {
            verdict = _node.Options.Decide?.Invoke(new NegotiationContext(_target, _isConnectingSide, local, peer, version, extensions, _layer.Info))
                ?? NegotiationVerdict.Accept();
        }
        catch (Exception e)
        {
            AmpNegotiationException refused = await RefuseAsync(NegotiationFailure.Refused, "the application could not decide").ConfigureAwait(false);
            throw new AmpNegotiationException(NegotiationFailure.Refused, $"{refused.Message} (NegotiationOptions.Decide threw: {e.Message})", e) { Logged = true };
        }

        if (!verdict.IsAccepted)
        {
            throw await RefuseAsync(NegotiationFailure.Refused, verdict.Reason!).ConfigureAwait(false);
        }

        string connectionId = RandomNumberGenerator.GetHexString(32, lowercase: true);
        PeerTable.Entry? entry = _node.Peers.Admit(peer, _target, peerIsConnectingSide: !_isConnectingSide, connectionId, out PeerTable.Entry? replaced);
        if (entry is null)
        {
            throw await RefuseAsync(NegotiationFailure.DuplicateConnection, $"this side already has a connection with {peer.Id} for target {_target}").ConfigureAwait(false);
        }

        var decision = new NegotiationDecision(version, extensions, verdict.Parameters, connectionId, replaced?.ConnectionId);
        try
        {
            await WriteBlockAsync(DecisionBlock.WriteAccept(decision)).ConfigureAwait(false);
        }
        catch
        {
            _node.Peers.Forget(entry);
            throw;
        }

        if (_isConnectingSide)
        {
            _node.Peers.RememberLastConnection(_target, connectionId);
        }

        return StartAmp(peer, decision, isMaster: true, entry, replaced);
    }

    /// <summary>
    /// Sends a refusal (best effort: a peer already gone changes nothing) and close_notify; returns the exception to
    /// throw, already logged.
    /// </summary>
    private async Task<AmpNegotiationException> RefuseAsync(NegotiationFailure failure, string reason)
    {
        Log.Negotiation.NegotiationRefused(Logger, Transport, "this side", failure, reason);
        try
        {
            await NegotiationDeadline.WriteAsync(_layer.Output, DecisionBlock.WriteRefusal(failure, reason), _cancellationToken).ConfigureAwait(false);
            await _layer.CloseWritingAsync(_cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmpException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The peer left first; the refusal stands.
        }

        return new AmpNegotiationException(failure, $"This side (the master) refused the connection: {DecisionBlock.Code(failure)}: {reason}.") { Logged = true };
    }
}
