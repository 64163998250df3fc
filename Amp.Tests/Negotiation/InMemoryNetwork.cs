using System.Collections.Concurrent;
using System.Threading.Channels;
using Amp.Negotiation;
using Amp.Transports;

namespace Amp.Tests.Negotiation;

/// <summary>
/// Negotiation servers at in-memory addresses (host and port): dialling one makes an in-memory pair and hands the
/// accepting end to that server's <see cref="AmpNegotiationServer.AcceptAsync"/>; each accept's outcome can be awaited.
/// </summary>
internal sealed class InMemoryNetwork : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Listening> _servers = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<AmpTransport> _transports = [];
    private readonly ConcurrentBag<Task<AmpNegotiationResult>> _accepts = [];

    /// <summary>Read splitting and buffering of every pair dialled.</summary>
    public InMemoryTransportOptions? TransportOptions { get; init; }

    /// <summary>Serves <paramref name="server"/> at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public AmpNegotiationServer Listen(string host, int port, AmpNegotiationServer server)
    {
        _servers[Key(host, port)] = new Listening(server);
        return server;
    }

    /// <summary>The dial function for <see cref="AmpNegotiator.ConnectAsync(NegotiationAddress, Amp.Tls.TlsLayerOptions, Func{NegotiationAddress, CancellationToken, ValueTask{AmpTransport}}, CancellationToken)"/>.</summary>
    public ValueTask<AmpTransport> DialAsync(NegotiationAddress address, CancellationToken cancellationToken)
    {
        if (!_servers.TryGetValue(Key(address.Host, address.Port), out Listening? listening))
        {
            throw new IOException($"Nothing listens at {address.Authority}.");
        }

        var (initiator, acceptor) = InMemoryTransport.CreatePair(TransportOptions);
        _transports.Add(initiator);
        _transports.Add(acceptor);
        Task<AmpNegotiationResult> accepted = listening.Server.AcceptAsync(acceptor, CancellationToken.None);
        _accepts.Add(accepted);
        listening.Accepted.Writer.TryWrite(accepted);
        return ValueTask.FromResult<AmpTransport>(initiator);
    }

    /// <summary>The next negotiation the server at <paramref name="host"/>:<paramref name="port"/> accepted, as it ends.</summary>
    public async Task<Task<AmpNegotiationResult>> NextAcceptedAsync(string host, int port, CancellationToken cancellationToken)
    {
        Task<AmpNegotiationResult> accepted = await _servers[Key(host, port)].Accepted.Reader.ReadAsync(cancellationToken);
        try
        {
            await accepted.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is AmpNegotiationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The caller looks at the task.
        }

        return accepted;
    }

    /// <summary>Closes every transport and observes every accept (their failures are the tests' business, not the finalizer's).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (AmpTransport transport in _transports)
        {
            await transport.DisposeAsync();
        }

        foreach (Task<AmpNegotiationResult> accepted in _accepts)
        {
            try
            {
                await (await accepted).DisposeAsync();
            }
            catch (Exception e) when (e is AmpNegotiationException or OperationCanceledException)
            {
                // Observed.
            }
        }
    }

    private static string Key(string host, int port) => host + ":" + port;

    private sealed class Listening(AmpNegotiationServer server)
    {
        public AmpNegotiationServer Server { get; } = server;

        public Channel<Task<AmpNegotiationResult>> Accepted { get; } = Channel.CreateUnbounded<Task<AmpNegotiationResult>>();
    }
}
