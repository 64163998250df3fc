namespace Amp.Negotiation.Phases;

/// <summary>
/// The connections of one node by peer id and target, for the duplicate-connection rule (spec/amp-wire.md §16.7): one
/// connection per peer and target. Also the last connection id learnt for each target, sent back as
/// <c>Last-Connection</c> when dialling it again.
/// </summary>
internal sealed class PeerTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string PeerId, string Target), Entry> _byPeer = new();
    private readonly Dictionary<string, string> _lastByTarget = new(StringComparer.Ordinal);

    /// <summary>
    /// On the master: admits a new connection with <paramref name="peer"/>, unless a live one exists that the peer has not
    /// given up for the same target (then <see langword="null"/>: refuse it as a duplicate). A peer that restarted (another incarnation), or
    /// that dialled again naming the existing connection as its last, gave the existing one up: it is returned in
    /// <paramref name="replaced"/>, to be closed once the new one is decided.
    /// </summary>
    public Entry? Admit(NegotiationOffer peer, string target, bool peerIsConnectingSide, string connectionId, out Entry? replaced)
    {
        replaced = null;
        var entry = new Entry(peer.Id, target, connectionId, peer.Incarnation);
        if (peer.Id is null)
        {
            // A peer without an id cannot be told apart from another: nothing to compare with.
            return entry;
        }

        lock (_lock)
        {
            if (_byPeer.TryGetValue((peer.Id, target), out Entry? existing) && existing.IsAlive)
            {
                bool restarted = peer.Incarnation is not null && existing.Incarnation is not null && peer.Incarnation != existing.Incarnation;
                bool gaveUp = peerIsConnectingSide && peer.LastConnection == existing.ConnectionId;
                if (!restarted && !gaveUp)
                {
                    return null;
                }

                replaced = existing;
                existing.Released = true;
            }

            _byPeer[(peer.Id, target)] = entry;
            return entry;
        }
    }

    /// <summary>
    /// On the slave: records the connection the master accepted; returns the entry of the older connection the decision's
    /// <c>Replaces</c> names, if this side has it, to be closed.
    /// </summary>
    public Entry Accepted(NegotiationOffer peer, string target, NegotiationDecision decision, out Entry? replaced)
    {
        replaced = null;
        var entry = new Entry(peer.Id, target, decision.ConnectionId, peer.Incarnation);
        if (peer.Id is null)
        {
            return entry;
        }

        lock (_lock)
        {
            if (_byPeer.TryGetValue((peer.Id, target), out Entry? existing) && existing.ConnectionId == decision.Replaces)
            {
                replaced = existing;
                existing.Released = true;
            }

            _byPeer[(peer.Id, target)] = entry;
            return entry;
        }
    }

    /// <summary>
    /// The connection is running: the entry is live until it ends, then forgotten. Returns false when the entry was
    /// replaced while its connection was being started: that connection is to be closed.
    /// </summary>
    public bool Attach(Entry entry, AmpNegotiationResult result)
    {
        lock (_lock)
        {
            entry.Result = result;
            if (entry.Released)
            {
                return false;
            }
        }

        _ = result.Connection.Completion.ContinueWith(
            (_, state) => ((PeerTable)state!).Forget(entry), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return true;
    }

    /// <summary>Forgets the entry (its connection ended, or its negotiation failed after admission), unless a newer one took its place.</summary>
    public void Forget(Entry entry)
    {
        lock (_lock)
        {
            entry.Released = true;
            if (entry.PeerId is not null && _byPeer.TryGetValue((entry.PeerId, entry.Target), out Entry? current) && ReferenceEquals(current, entry))
            {
                _byPeer.Remove((entry.PeerId, entry.Target));
            }
        }
    }

    /// <summary>The live connection with <paramref name="peerId"/> for <paramref name="target"/>, if any.</summary>
    public AmpNegotiationResult? Find(string peerId, string target)
    {
        lock (_lock)
        {
            return _byPeer.TryGetValue((peerId, target), out Entry? entry) && entry.IsAlive ? entry.Result : null;
        }
    }

    public string? LastConnection(string target)
    {
        lock (_lock)
        {
            return _lastByTarget.GetValueOrDefault(target);
        }
    }

    public void RememberLastConnection(string target, string connectionId)
    {
        lock (_lock)
        {
            _lastByTarget[target] = connectionId;
        }
    }

    /// <summary>One connection with a peer: admitted (being started) or running. Its state changes under the table's lock.</summary>
    internal sealed class Entry
    {
        public Entry(string? peerId, string target, string connectionId, string? incarnation)
        {
            PeerId = peerId;
            Target = target;
            ConnectionId = connectionId;
            Incarnation = incarnation;
        }

        public string? PeerId { get; }

        public string Target { get; }

        public string ConnectionId { get; }

        public string? Incarnation { get; }

        public AmpNegotiationResult? Result { get; set; }

        public bool Released { get; set; }

        /// <summary>Being started (its decision on its way), or running.</summary>
        public bool IsAlive => !Released && (Result is null || Result.Connection.IsConnected);
    }
}
