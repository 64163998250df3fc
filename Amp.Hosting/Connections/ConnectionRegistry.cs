using System.Collections;
using System.Collections.Concurrent;

namespace Amp.Hosting;

/// <summary>The live hosted connections: <see cref="IAmpConnections"/> for the application, and what the server closes when it stops.</summary>
internal sealed class ConnectionRegistry : IAmpConnections
{
    private readonly ConcurrentDictionary<AmpConnection, HostedConnection> _connections = new();

    public int Count => _connections.Count;

    public void Add(HostedConnection connection) => _connections.TryAdd(connection.Context.Connection, connection);

    public void Remove(HostedConnection connection) => _connections.TryRemove(connection.Context.Connection, out _);

    public IReadOnlyList<HostedConnection> Snapshot() => [.. _connections.Values];

    public IEnumerator<AmpConnectionContext> GetEnumerator()
    {
        foreach (HostedConnection connection in _connections.Values)
        {
            yield return connection.Context;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
