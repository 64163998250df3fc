using System.Buffers;
using System.IO.Pipelines;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Compression;

/// <summary>
/// Two AMP connections joined through a relay that counts the bytes on the wire each way and can hold
/// them back: while it is closed it forwards nothing, so boxes written by both sides cross in flight.
/// </summary>
internal sealed class RelayPair : IAsyncDisposable
{
    private readonly InMemoryTransport _fromClient;
    private readonly InMemoryTransport _fromServer;
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly List<(bool FromClient, long Bytes, TaskCompletionSource Reached)> _waiters = new();
    private readonly Task _pumps;
    private long _clientToServer;
    private long _serverToClient;
    private long _heldFromClient;
    private long _heldFromServer;

    private RelayPair(Action<AmpResponders> configure, bool open)
    {
        var (client, fromClient) = InMemoryTransport.CreatePair();
        var (toServer, server) = InMemoryTransport.CreatePair();
        _fromClient = fromClient;
        _fromServer = toServer;
        if (open)
        {
            _opened.SetResult();
        }

        AmpResponders clientTable = InteropResponders.Create();
        AmpResponders serverTable = InteropResponders.Create();
        configure(clientTable);
        configure(serverTable);
        Client = AmpConnection.Start(client, new AmpConnectionOptions { Responders = clientTable, Name = "client" });
        Server = AmpConnection.Start(server, new AmpConnectionOptions { Responders = serverTable, Name = "server" });
        _pumps = Task.WhenAll(PumpAsync(fromClient.Input, toServer.Output, fromClient: true), PumpAsync(toServer.Input, fromClient.Output, fromClient: false));
    }

    /// <summary>The side that connected (<see cref="AmpTransportRole.Initiator"/>).</summary>
    public AmpConnection Client { get; }

    /// <summary>The side that accepted (<see cref="AmpTransportRole.Acceptor"/>).</summary>
    public AmpConnection Server { get; }

    /// <summary>Bytes forwarded from the client to the server so far.</summary>
    public long ClientToServer => Interlocked.Read(ref _clientToServer);

    /// <summary>Bytes forwarded from the server to the client so far.</summary>
    public long ServerToClient => Interlocked.Read(ref _serverToClient);

    public static RelayPair Open(Action<AmpResponders> configure) => new(configure, open: true);

    public static RelayPair Closed(Action<AmpResponders> configure) => new(configure, open: false);

    /// <summary>Completes when at least <paramref name="bytes"/> bytes from one side are held by the closed relay.</summary>
    public Task HeldAsync(bool fromClient, long bytes, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if ((fromClient ? _heldFromClient : _heldFromServer) >= bytes)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((fromClient, bytes, reached));
            return reached.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Starts forwarding, the held bytes first.</summary>
    public void Open()
    {
        _opened.TrySetResult();
        _fromClient.Input.CancelPendingRead();
        _fromServer.Input.CancelPendingRead();
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        Open();
        await _pumps;
        await _fromClient.DisposeAsync();
        await _fromServer.DisposeAsync();
    }

    private async Task PumpAsync(PipeReader from, PipeWriter to, bool fromClient)
    {
        try
        {
            while (true)
            {
                ReadResult result = await from.ReadAsync();
                if (!_opened.Task.IsCompleted)
                {
                    Held(fromClient, result.Buffer.Length);
                    from.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }

                    continue;
                }

                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    to.Write(segment.Span);
                }

                if (fromClient)
                {
                    Interlocked.Add(ref _clientToServer, result.Buffer.Length);
                }
                else
                {
                    Interlocked.Add(ref _serverToClient, result.Buffer.Length);
                }

                from.AdvanceTo(result.Buffer.End);
                FlushResult flush = await to.FlushAsync();
                if (result.IsCompleted || flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // A side was disposed under the pump.
        }

        await to.CompleteAsync();
    }

    private void Held(bool fromClient, long bytes)
    {
        List<TaskCompletionSource> reached = new();
        lock (_lock)
        {
            if (fromClient)
            {
                _heldFromClient = bytes;
            }
            else
            {
                _heldFromServer = bytes;
            }

            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].FromClient == fromClient && _waiters[i].Bytes <= bytes)
                {
                    reached.Add(_waiters[i].Reached);
                    _waiters.RemoveAt(i);
                }
            }
        }

        reached.ForEach(r => r.TrySetResult());
    }
}
