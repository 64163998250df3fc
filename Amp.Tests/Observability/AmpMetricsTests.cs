using Amp.Layers;
using Amp.Tests.Integration;
using Amp.Tests.TestUtilities;
using Amp.Transports;
using OpenTelemetry.Metrics;

namespace Amp.Tests.Observability;

/// <summary>The <c>Amp</c> meter: call durations, calls in flight, bytes, layer changes and connections.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class AmpMetricsTests
{
    [Test]
    public async Task Calls_bytes_layer_changes_and_connections_are_counted(CancellationToken cancellationToken)
    {
        using var capture = new TelemetryCapture();
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        AmpResponders responders = InteropResponders.Create().AddLayerChange<StartXor, AmpEmptyResponse>(
            (command, _) => new LayerChangeAnswer<AmpEmptyResponse>(AmpEmptyResponse.Instance, StartXor.Push((byte)command.Key)));
        await using (AmpConnection client = AmpConnection.Start(initiator, new AmpConnectionOptions { Name = "metered-client" }))
        await using (AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions { Name = "metered-server", Responders = responders }))
        {
            for (int i = 0; i < 3; i++)
            {
                await client.CallRemoteAsync(new Sum { A = i, B = 1 }, cancellationToken);
            }

            Assert.ThrowsAsync<ZeroDivisionException>(() => client.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 0 }, cancellationToken));
            await client.CallRemoteAsync(new StartXor { Key = 0x21 }, cancellationToken);
            await client.CallRemoteAsync(new Sum { A = 5, B = 1 }, cancellationToken);
            await Eventually.TrueAsync(() => server.RunningResponders == 0, cancellationToken);

            List<MetricPoint> clientCalls = capture.Points("rpc.client.call.duration");
            Assert.That(Count(clientCalls, "Sum", null), Is.EqualTo(4));
            Assert.That(Count(clientCalls, "Divide", "ZERO_DIVISION"), Is.EqualTo(1));
            Assert.That(Count(capture.Points("rpc.server.call.duration"), "Divide", "ZERO_DIVISION"), Is.EqualTo(1));

            List<MetricPoint> io = capture.Points("amp.io");
            Assert.That(Sum(io, "network.io.direction", "transmit"), Is.GreaterThan(0));
            Assert.That(Sum(io, "network.io.direction", "receive"), Is.GreaterThan(0));
            Assert.That(Sum(capture.Points("amp.layer_changes"), "amp.layer_change", "push"), Is.GreaterThanOrEqualTo(2), "the push on each side");
            Assert.That(Sum(capture.Points("amp.connections"), null, null), Is.GreaterThanOrEqualTo(2));
            Assert.That(Sum(capture.Points("amp.calls.active"), "amp.side", "client"), Is.EqualTo(0), "every call of ours ended");
        }
    }

    private static long Count(List<MetricPoint> points, string method, string? errorType)
    {
        long count = 0;
        foreach (MetricPoint point in points)
        {
            if (TelemetryCapture.Tag(point, "rpc.method") == method && TelemetryCapture.Tag(point, "error.type") == errorType)
            {
                Assert.That(TelemetryCapture.Tag(point, "rpc.system"), Is.EqualTo("amp"));
                count += point.GetHistogramCount();
            }
        }

        return count;
    }

    private static long Sum(List<MetricPoint> points, string? key, string? value)
    {
        long sum = 0;
        foreach (MetricPoint point in points)
        {
            if (key is null || TelemetryCapture.Tag(point, key) == value)
            {
                sum += point.GetSumLong();
            }
        }

        return sum;
    }
}
