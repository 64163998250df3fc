using System.Net;
using Amp.Transports;

namespace Amp.Samples.Calculator;

/// <summary>A TCP server answering the calculator commands; it calls each client back during Greet.</summary>
internal static class CalculatorServer
{
    public static AmpResponders Responders(TextWriter log)
    {
        int sums = 0;
        return new AmpResponders()
        .Add((Sum c) =>
        {
            int count = Interlocked.Increment(ref sums);
            if (count <= 2)
            {
                log.WriteLine($"server: Sum({c.A}, {c.B}) -> {c.A + c.B}");
            }
            else if (count % 250 == 0)
            {
                log.WriteLine($"server: answered {count} Sum calls so far");
            }

            return new SumResult { Total = c.A + c.B };
        })
        .Add((Divide c) =>
        {
            if (c.Denominator == 0)
            {
                log.WriteLine($"server: Divide({c.Numerator}, 0) -> declared error ZERO_DIVISION");
                throw new DivideByZeroException("cannot divide by zero");
            }

            log.WriteLine($"server: Divide({c.Numerator}, {c.Denominator}) -> {c.Numerator / c.Denominator}");
            return new DivideResult { Quotient = c.Numerator / c.Denominator };
        })
        .Add<Greet, Greeting>(async (Greet _, AmpConnection connection, CancellationToken cancellationToken) =>
        {
            log.WriteLine("server: Greet -> calling WhoAreYou back on the client");
            Identity identity = await connection.CallRemoteAsync(new WhoAreYou(), cancellationToken);
            log.WriteLine($"server: the client says it is '{identity.Name}'");
            return new Greeting { Text = $"Hello, {identity.Name}!", At = DateTimeOffset.Now };
        });
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> (Ctrl+C or SIGTERM), then closes every connection.</summary>
    /// <returns>0.</returns>
    /// <exception cref="System.Net.Sockets.SocketException">It cannot listen there.</exception>
    /// <exception cref="ArgumentException"><paramref name="host"/> is not an IP address.</exception>
    public static async Task<int> RunAsync(string host, int port, TextWriter log, CancellationToken cancellationToken)
    {
        IPAddress address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out IPAddress? parsed) ? parsed
            : throw new ArgumentException($"--host: a server listens on an IP address (such as 127.0.0.1), not '{host}'");

        // A local demo server: a hundred open connections is plenty; past them new ones are closed at once.
        await using SocketListener listener = SocketListener.ListenTcp(address, port, new SocketTransportOptions { MaxConnections = 100 });
        log.WriteLine($"server: listening on {listener.LocalEndPoint}");
        // Idle clients are closed after two minutes (off by default, as in Twisted), on top of the default
        // minimum rate for a box once begun.
        var options = new AmpConnectionOptions { Responders = Responders(log), IdleTimeout = TimeSpan.FromMinutes(2) };
        var open = new System.Collections.Concurrent.ConcurrentDictionary<AmpConnection, bool>();
        try
        {
            while (true)
            {
                AmpTransport transport = await listener.AcceptAsync(cancellationToken);
                log.WriteLine($"server: accepted {transport.Description}");
                AmpConnection connection = AmpConnection.Start(transport, options);
                open[connection] = true;
                _ = connection.Completion.ContinueWith(
                    t =>
                    {
                        open.TryRemove(connection, out _);
                        log.WriteLine($"server: {connection.Name} ended ({t.Result.Reason})");
                    },
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.WriteLine($"server: stopping (Ctrl+C or SIGTERM); closing {open.Count} connection(s)");
            foreach (AmpConnection connection in open.Keys)
            {
                await connection.CloseAsync();
            }

            return 0;
        }
    }
}
