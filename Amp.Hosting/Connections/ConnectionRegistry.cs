using System.Collections;
using System.Collections.Concurrent;

namespace Amp.Hosting;

/// <summary>
/// The live hosted connections: <see cref="IAmpConnections"/> for the application, and what the server closes when it
/// stops. It knows whether the server is stopping, so that a connection that arrives after the server took its list
/// (one an entry point hands over, accepted elsewhere) is closed as well.
/// </summary>
internal sealed class ConnectionRegistry : IAmpConnections
{
    private readonly ConcurrentDictionary<AmpConnection, HostedConnection> _connections = new();
    private readonly Lock _gate = new();
    private State _state;
    private CancellationToken _shutdown;

    private enum State
    {
        Running,
        Stopping,
        Stopped,
    }

    public int Count => _connections.Count;

    /// <summary>Lists <paramref name="connection"/>; false when the server is stopping or stopped, with the token to close it by.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="closeBy">When false: the host's shutdown token while stopping, a cancelled one after (close at once).</param>
    public bool Add(HostedConnection connection, out CancellationToken closeBy)
    {
        lock (_gate)
        {
            _connections.TryAdd(connection.Context.Connection, connection);
            closeBy = _state == State.Stopping ? _shutdown : new CancellationToken(canceled: true);
            return _state == State.Running;
        }
    }

    public void Remove(HostedConnection connection) => _connections.TryRemove(connection.Context.Connection, out _);

    public IReadOnlyList<HostedConnection> Snapshot() => [.. _connections.Values];

    /// <summary>From now on connections added are closed (by <paramref name="shutdown"/>); returns those listed so far.</summary>
    public IReadOnlyList<HostedConnection> BeginStopping(CancellationToken shutdown)
    {
        lock (_gate)
        {
            _state = State.Stopping;
            _shutdown = shutdown;
            return Snapshot();
        }
    }

    /// <summary>The stop is over (its token may be disposed): connections added from now on close at once.</summary>
    public void Stopped()
    {
        lock (_gate)
        {
            _state = State.Stopped;
            _shutdown = default;
        }
    }

    public IEnumerator<AmpConnectionContext> GetEnumerator()
    {
        foreach (HostedConnection connection in _connections.Values)
        {
            yield return connection.Context;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
