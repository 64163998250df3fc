using System.Diagnostics;
using System.Numerics;
using Amp.Tests.TestUtilities;
using Amp.Transports;

namespace Amp.Tests.Observability;

/// <summary>
/// A span per call on each side, with OpenTelemetry's RPC attributes; with <c>trace/1</c> agreed the
/// callee's span is the caller's child (spec §15.8), without it the context never leaves this side.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class CallTracingTests
{
    private static (AmpConnection Client, AmpConnection Server) Connect(string name, AmpExtensions extensions)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        AmpResponders responders = InteropResponders.Create();
        AmpConnection client = AmpConnection.Start(initiator, new AmpConnectionOptions { Name = name + "-client", Extensions = extensions });
        AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions { Name = name + "-server", Responders = responders, Extensions = extensions });
        return (client, server);
    }

    [Test]
    public async Task With_trace_agreed_the_callees_span_is_the_callers_child(CancellationToken cancellationToken)
    {
        using var capture = new TelemetryCapture();
        var (client, server) = Connect("traced", AmpExtensions.All);
        await using (client)
        await using (server)
        {
            Assert.That(await client.NegotiateExtensionsAsync(cancellationToken), Is.EqualTo(AmpExtensions.All));
            SumResult result = await client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
            Assert.That(result.Total, Is.EqualTo(new BigInteger(3)));
            await Eventually.TrueAsync(() => capture.SpansOf("traced-server").Exists(span => span.OperationName == "Sum"), cancellationToken);
        }

        Activity callerSpan = capture.SpansOf("traced-client").Find(span => span.OperationName == "Sum")!;
        Activity calleeSpan = capture.SpansOf("traced-server").Find(span => span.OperationName == "Sum")!;
        Assert.That((callerSpan.Kind, calleeSpan.Kind), Is.EqualTo((ActivityKind.Client, ActivityKind.Server)));
        Assert.That(calleeSpan.TraceId, Is.EqualTo(callerSpan.TraceId));
        Assert.That(calleeSpan.ParentSpanId, Is.EqualTo(callerSpan.SpanId));
        Assert.That(calleeSpan.HasRemoteParent, Is.True);
        foreach (Activity span in new[] { callerSpan, calleeSpan })
        {
            Assert.That(span.GetTagItem("rpc.system"), Is.EqualTo("amp"));
            Assert.That(span.GetTagItem("rpc.method"), Is.EqualTo("Sum"));
            Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Unset));
        }
    }

    [Test]
    public async Task Without_trace_agreed_each_side_has_its_own_trace(CancellationToken cancellationToken)
    {
        using var capture = new TelemetryCapture();
        var (client, server) = Connect("untraced", AmpExtensions.Default);
        await using (client)
        await using (server)
        {
            await client.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
            await Eventually.TrueAsync(() => capture.SpansOf("untraced-server").Count == 1, cancellationToken);
        }

        Activity callerSpan = capture.SpansOf("untraced-client").Single();
        Activity calleeSpan = capture.SpansOf("untraced-server").Single();
        Assert.That(calleeSpan.TraceId, Is.Not.EqualTo(callerSpan.TraceId));
        Assert.That(calleeSpan.ParentSpanId, Is.EqualTo(default(ActivitySpanId)));
    }

    [Test]
    public async Task An_error_answer_marks_both_spans_with_its_code(CancellationToken cancellationToken)
    {
        using var capture = new TelemetryCapture();
        var (client, server) = Connect("failing", AmpExtensions.All);
        await using (client)
        await using (server)
        {
            Assert.ThrowsAsync<ZeroDivisionException>(() => client.CallRemoteAsync(new Divide { Numerator = 1, Denominator = 0 }, cancellationToken));
            await Eventually.TrueAsync(() => capture.SpansOf("failing-server").Count == 1, cancellationToken);
        }

        foreach (Activity span in new[] { capture.SpansOf("failing-client").Single(), capture.SpansOf("failing-server").Single() })
        {
            Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error), span.Kind.ToString());
            Assert.That(span.GetTagItem("error.type"), Is.EqualTo("ZERO_DIVISION"), span.Kind.ToString());
        }
    }

    [Test]
    public async Task The_context_travels_as_traceparent_and_tracestate_after_the_calls_keys_only_once_trace_is_agreed(CancellationToken cancellationToken)
    {
        using var capture = new TelemetryCapture();
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Extensions = AmpExtensions.All, Name = "raw-traced" });
        using var parent = new Activity("test parent").SetIdFormat(ActivityIdFormat.W3C);
        parent.TraceStateString = "vendor=1";
        parent.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        parent.Start();

        // Nothing agreed yet: the call goes out as Twisted would send it.
        Task<SumResult> first = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(WireBoxes.Bytes(
            ("_ask", "1"u8.ToArray()), ("_command", "Sum"u8.ToArray()), ("a", "1"u8.ToArray()), ("b", "2"u8.ToArray()))));
        await peer.WriteBoxAsync(WireBoxes.Make(("_answer", "1"), ("total", "3")), cancellationToken);
        await first;

        Task<AmpExtensions> negotiating = peer.Connection.NegotiateExtensionsAsync(cancellationToken);
        Boxes.AmpBox hello = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(hello.GetString("offer"), Does.Contain("trace/1"));
        await peer.WriteBoxAsync(WireBoxes.Make(("_answer", hello.GetString("_ask")!), ("accept", WireBoxes.Offer("trace/1"))), cancellationToken);
        Assert.That(await negotiating, Is.EqualTo(AmpExtensions.TraceContext));

        Task<SumResult> second = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        Boxes.AmpBox call = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(call.Keys, Is.EqualTo(new[] { "_ask", "_command", "a", "b", "_traceparent", "_tracestate" }));
        Assert.That(call.GetString("_tracestate"), Is.EqualTo("vendor=1"));
        await peer.WriteBoxAsync(WireBoxes.Make(("_answer", call.GetString("_ask")!), ("total", "3")), cancellationToken);
        await second;

        // The box carried the call's own span: a child of the span current when the call was made.
        Activity span = capture.SpansOf("raw-traced").Find(s => s.Id == call.GetString("_traceparent"))!;
        Assert.That(span, Is.Not.Null, $"{call.GetString("_traceparent")} not among [{string.Join(", ", capture.Spans.Select(s => s.Id + " " + s.OperationName + " " + s.GetTagItem("amp.connection")))}]");
        Assert.That((span.TraceId, span.ParentSpanId, span.Kind), Is.EqualTo((parent.TraceId, parent.SpanId, ActivityKind.Client)));
        await second;
    }
}
