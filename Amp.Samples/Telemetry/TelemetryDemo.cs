using System.Diagnostics;
using System.Net;
using Amp.Samples.Calculator;
using Amp.Transports;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Amp.Samples.Telemetry;

/// <summary>
/// "telemetry-demo": the calculator over loopback TCP with OpenTelemetry wired to Amp.NET's traces and
/// metrics (console exporter). Both sides agree to trace/1, so each server span is a child of its client span.
/// </summary>
internal static class TelemetryDemo
{
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        using TracerProvider tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(AmpTelemetry.ActivitySourceName, "Amp.Samples")
            .AddConsoleExporter()
            .Build()!;
        using MeterProvider metrics = Sdk.CreateMeterProviderBuilder()
            .AddMeter(AmpTelemetry.MeterName)
            .AddConsoleExporter()
            .Build()!;
        using var source = new ActivitySource("Amp.Samples");

        SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        await using (listener.ConfigureAwait(false))
        {
            Task<SocketTransport> connecting = SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken);
            AmpTransport accepted = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            await using AmpConnection server = AmpConnection.Start(accepted, new AmpConnectionOptions
            {
                Name = "calc-server", Responders = CalculatorServer.Responders(TextWriter.Null), Extensions = AmpExtensions.All,
            });
            await using AmpConnection client = AmpConnection.Start(await connecting.ConfigureAwait(false), new AmpConnectionOptions
            {
                Name = "calc-client", Extensions = AmpExtensions.All,
            });
            output.WriteLine($"agreed extensions: {await client.NegotiateExtensionsAsync(cancellationToken).ConfigureAwait(false)}");

            using (Activity? work = source.StartActivity("calculate"))
            {
                SumResult sum = await client.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken).ConfigureAwait(false);
                output.WriteLine($"Sum(40, 2) = {sum.Total}  (trace {work?.TraceId})");
                try
                {
                    await client.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 0 }, cancellationToken).ConfigureAwait(false);
                }
                catch (DivideByZeroException)
                {
                    output.WriteLine("Divide(1, 0) failed with ZERO_DIVISION, as declared");
                }
            }
        }

        // The exporters print the spans as they end and the metrics when their providers are disposed.
        tracing.ForceFlush();
        metrics.ForceFlush();
        return 0;
    }
}
