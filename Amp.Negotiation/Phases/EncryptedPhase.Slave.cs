using Amp.Negotiation.Blocks;
using Amp.Negotiation.Logging;

namespace Amp.Negotiation.Phases;

// The slave's side of the deciding phase (spec/amp-wire.md §16.6): read the master's decision and check it.
internal sealed partial class EncryptedPhase
{
    private async Task<AmpNegotiationResult> AwaitDecisionAsync(NegotiationOffer local, NegotiationOffer peer)
    {
        NegotiationBlock block = await ReadBlockAsync("Decision").ConfigureAwait(false);
        NegotiationDecision? decision;
        NegotiationFailure refusal;
        string message;
        bool unknownExtension;
        try
        {
            decision = DecisionBlock.Read(block, out refusal, out message, out unknownExtension);
        }
        catch (FormatException e)
        {
            throw new AmpNegotiationException(NegotiationFailure.MalformedBlock, $"The master's Decision block is malformed: {e.Message}.");
        }

        if (decision is null)
        {
            Log.Negotiation.NegotiationRefused(Logger, Transport, "the peer", refusal, message);
            throw new AmpNegotiationException(refusal, $"The peer (the master) refused the connection: {message}.") { Logged = true };
        }

        if (unknownExtension || (decision.Extensions & ~local.Extensions) != 0 || decision.Version < local.MinVersion || decision.Version > local.MaxVersion)
        {
            throw new AmpNegotiationException(NegotiationFailure.InvalidDecision,
                $"The master decided version {decision.Version} with extensions '{block["Extensions"] ?? ""}', outside this side's offer "
                + $"(versions {local.MinVersion}-{local.MaxVersion}, extensions '{BlockValues.Extensions(local.Extensions)}').");
        }

        PeerTable.Entry entry = _node.Peers.Accepted(peer, _target, decision, out PeerTable.Entry? replaced);
        if (_isConnectingSide)
        {
            _node.Peers.RememberLastConnection(_target, decision.ConnectionId);
        }

        return StartAmp(peer, decision, isMaster: false, entry, replaced);
    }
}
