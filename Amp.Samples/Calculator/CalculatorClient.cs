using Amp.Transports;

namespace Amp.Samples.Calculator;

/// <summary>Connects to the calculator server and shows each kind of call.</summary>
internal static class CalculatorClient
{
    public static async Task RunAsync(string host, int port, string name, TextWriter log, CancellationToken cancellationToken)
    {
        AmpTransport transport = await SocketTransport.ConnectTcpAsync(host, port, cancellationToken: cancellationToken);
        var responders = new AmpResponders().Add((WhoAreYou _) =>
        {
            log.WriteLine($"client: the server asks who we are -> '{name}'");
            return new Identity { Name = name };
        });
        await using AmpConnection connection = AmpConnection.Start(transport, new AmpConnectionOptions { Responders = responders });
        log.WriteLine($"client: connected over {connection.Layers}");

        SumResult sum = await connection.CallRemoteAsync(new Sum { A = 13, B = 81 }, cancellationToken);
        log.WriteLine($"client: Sum(13, 81) = {sum.Total}");

        DivideResult quotient = await connection.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 3 }, cancellationToken);
        log.WriteLine($"client: Divide(1, 3) = {quotient.Quotient}");

        try
        {
            await connection.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 0 }, cancellationToken);
        }
        catch (DivideByZeroException e)
        {
            log.WriteLine($"client: Divide(1, 0) failed as declared: {e.GetType().Name}: {e.Message}");
        }

        Greeting greeting = await connection.CallRemoteAsync(new Greet(), cancellationToken);
        log.WriteLine($"client: Greet -> \"{greeting.Text}\" (server time {greeting.At:O})");

        Task<SumResult>[] many = new Task<SumResult>[1000];
        for (int i = 0; i < many.Length; i++)
        {
            many[i] = connection.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken);
        }

        SumResult[] results = await Task.WhenAll(many);
        log.WriteLine($"client: 1000 Sum calls in flight at once, all answered (last total {results[^1].Total})");

        try
        {
            await connection.CallRemoteStringAsync("NoSuchCommand", cancellationToken: cancellationToken);
        }
        catch (AmpUnhandledCommandException e)
        {
            log.WriteLine($"client: NoSuchCommand -> {e.ErrorCode}: {e.Description}");
        }

        log.WriteLine("client: closing");
    }
}
