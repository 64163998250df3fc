using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Amp.Diagnostics;

/// <summary>
/// The source and instruments behind <see cref="AmpTelemetry"/>: created once per process, recorded only
/// while a listener is attached (each record first checks <see cref="Instrument.Enabled"/>).
/// </summary>
internal static class AmpInstruments
{
    public static readonly ActivitySource Source = new(AmpTelemetry.ActivitySourceName, typeof(AmpInstruments).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(AmpTelemetry.MeterName, typeof(AmpInstruments).Assembly.GetName().Version?.ToString());

    // OpenTelemetry's RPC conventions: durations in seconds, per call.
    public static readonly Histogram<double> ClientDuration = Meter.CreateHistogram<double>(
        "rpc.client.call.duration", "s", "How long this side's calls took, from the call to its answer, error or end.");

    public static readonly Histogram<double> ServerDuration = Meter.CreateHistogram<double>(
        "rpc.server.call.duration", "s", "How long this side took to answer the peer's calls, from reading the command to its answer.");

    public static readonly UpDownCounter<long> ActiveCalls = Meter.CreateUpDownCounter<long>(
        "amp.calls.active", "{call}", "Calls in flight: this side's waiting for answers (amp.side = client), the peer's being answered (server).");

    public static readonly Counter<long> Bytes = Meter.CreateCounter<long>(
        "amp.io", "By", "Box bytes sent (network.io.direction = transmit) and received (receive), above every layer.");

    public static readonly Counter<long> LayerChanges = Meter.CreateCounter<long>(
        "amp.layer_changes", "{change}", "Layer changes made (amp.layer_change = push, pop or hand-over).");

    public static readonly UpDownCounter<long> ActiveConnections = Meter.CreateUpDownCounter<long>(
        "amp.connections.active", "{connection}", "Connections open.");

    public static readonly Counter<long> Connections = Meter.CreateCounter<long>(
        "amp.connections", "{connection}", "Connections started.");

    public static readonly Counter<long> ConnectionsEnded = Meter.CreateCounter<long>(
        "amp.connections.ended", "{connection}", "Connections ended, by amp.disconnect_reason.");

    /// <summary>Whether anything listens to the call spans or the call metrics: then calls take the observed path.</summary>
    public static bool CallsObserved => Source.HasListeners() || ClientDuration.Enabled || ServerDuration.Enabled || ActiveCalls.Enabled;

    public static void BytesSent(long count)
    {
        if (Bytes.Enabled && count > 0)
        {
            Bytes.Add(count, new KeyValuePair<string, object?>("network.io.direction", "transmit"));
        }
    }

    public static void BytesReceived(long count)
    {
        if (Bytes.Enabled && count > 0)
        {
            Bytes.Add(count, new KeyValuePair<string, object?>("network.io.direction", "receive"));
        }
    }

    public static void LayerChanged(string change)
    {
        if (LayerChanges.Enabled)
        {
            LayerChanges.Add(1, new KeyValuePair<string, object?>("amp.layer_change", change));
        }
    }

    public static void ConnectionStarted()
    {
        ActiveConnections.Add(1);
        Connections.Add(1);
    }

    public static void ConnectionEnded(AmpDisconnectReason reason)
    {
        ActiveConnections.Add(-1);
        if (ConnectionsEnded.Enabled)
        {
            ConnectionsEnded.Add(1, new KeyValuePair<string, object?>("amp.disconnect_reason", reason.ToString()));
        }
    }
}
