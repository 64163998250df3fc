using Amp.Connection;
using Amp.Logging;
using Amp.Streams;
using Microsoft.Extensions.Logging;

namespace Amp.Closing;

/// <summary>
/// A graceful close, run once per connection: new calls are refused, the peer is told (when it agreed
/// to goaway/1), everything in flight is let finish, then the connection closes. Every wait also ends
/// when the connection does, so a caller's token (which ends the connection) bounds the whole close.
/// </summary>
internal sealed class GracefulClose
{
    private readonly AmpConnection _connection;
    private readonly CallGate _gate;
    private readonly GoAwayExchange _goAway;
    private readonly PendingCalls _pending;
    private readonly AmpBoxRouter _router;
    private readonly IncomingCalls _incoming;
    private readonly StreamTable? _streams;
    private readonly AmpExtensions _supported;
    private readonly ILogger _logger;
    private int _started;

    public GracefulClose(AmpConnection connection, CallGate gate, GoAwayExchange goAway, ClosingParts parts, AmpExtensions supported, ILogger logger)
    {
        _connection = connection;
        _gate = gate;
        _goAway = goAway;
        _pending = parts.Pending;
        _router = parts.Router;
        _incoming = parts.Incoming;
        _streams = parts.Streams;
        _supported = supported;
        _logger = logger;
    }

    /// <summary>Begins the close unless it has begun (or the connection has ended); returns at once.</summary>
    public void Start()
    {
        if (_connection.HasEnded || Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        if (_gate.TryShut(byPeer: false))
        {
            _gate.AnnounceGoingAway();
        }

        Log.Closing.GracefulCloseStarted(_logger, _connection.Name, _pending.Count, _incoming.Running, _streams?.Count ?? 0);
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        try
        {
            bool told = await TellPeerAsync().ConfigureAwait(false);
            if (await DrainAsync(told).ConfigureAwait(false))
            {
                Log.Closing.GracefulCloseDrained(_logger, _connection.Name);
            }
        }
        catch (Exception e)
        {
            // Nothing above throws but a bug; the connection must close all the same.
            _connection.End(AmpDisconnectReason.LocallyClosed, "The graceful close failed: " + e.Message, e);
        }

        await _connection.Protocol.CloseLingeringAsync().ConfigureAwait(false);
    }

    /// <summary>Tells the peer when it agreed to goaway/1 (agreeing first if nothing is agreed yet); returns whether it was told.</summary>
    private async Task<bool> TellPeerAsync()
    {
        if ((_supported & AmpExtensions.GoAway) == 0)
        {
            _goAway.RefuseCalls();
            return false;
        }

        AmpExtensions agreed;
        try
        {
            agreed = await _connection.NegotiateExtensionsAsync(_connection.Closing).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The connection ended (the caller's token, or the peer) before the hello was answered.
            return false;
        }

        if ((agreed & AmpExtensions.GoAway) == 0)
        {
            Log.Closing.GoAwayNotAgreed(_logger, _connection.Name, Extensions.ExtensionNegotiation.Describe(agreed));
            _goAway.RefuseCalls();
            return false;
        }

        _goAway.SendOnce();
        return true;
    }

    /// <summary>
    /// Waits until one look finds nothing in flight: our calls answered, the peer's going-away box read
    /// (when it was told: then every command it will send has arrived), no command waiting to start, no
    /// responder running, no stream open. Returns false if the connection ended first.
    /// </summary>
    private async Task<bool> DrainAsync(bool peerTold)
    {
        while (true)
        {
            bool waited = false;
            for (int stage = 0; stage < 5; stage++)
            {
                Task settled = stage switch
                {
                    0 => WhenAllSettled(_pending.SnapshotCompletions()),
                    1 => peerTold ? _goAway.PeerWentAway : Task.CompletedTask,
                    2 => _router.WaitForNoWaitingCommandsAsync(),
                    3 => _incoming.WaitForNoneRunningAsync(),
                    _ => _streams?.WaitForNoStreamsAsync() ?? Task.CompletedTask,
                };
                if (settled.IsCompleted)
                {
                    continue;
                }

                waited = true;
                await Task.WhenAny(settled, _connection.Completion).ConfigureAwait(false);
                if (_connection.HasEnded)
                {
                    return false;
                }
            }

            if (!waited)
            {
                return !_connection.HasEnded;
            }
        }
    }

    /// <summary>Completes when every task has completed, however it completed; never faults.</summary>
    private static Task WhenAllSettled(List<Task> tasks)
    {
        tasks.RemoveAll(static task => task.IsCompleted);
        if (tasks.Count == 0)
        {
            return Task.CompletedTask;
        }

        // Reading Exception marks the failures observed: each caller observes its own call's.
        return Task.WhenAll(tasks).ContinueWith(static all => _ = all.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}

/// <summary>The parts of a connection a graceful close waits on.</summary>
/// <param name="Pending">Our calls in flight.</param>
/// <param name="Router">The peer's commands read but not started.</param>
/// <param name="Incoming">The responders running.</param>
/// <param name="Streams">The streams open, when the connection supports them.</param>
internal readonly record struct ClosingParts(PendingCalls Pending, AmpBoxRouter Router, IncomingCalls Incoming, StreamTable? Streams);
