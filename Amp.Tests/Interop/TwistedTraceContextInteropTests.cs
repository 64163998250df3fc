using System.Diagnostics;
using Amp.Boxes;
using Amp.Tests.Observability;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Interop;

/// <summary>
/// Trace context against a real Twisted server (spec §15.8): Twisted never agrees to <c>trace/1</c>, so
/// a traced call reaches it as plain AMP; and a box that carries <c>_traceparent</c> anyway (a peer that
/// sends it unasked) is still answered, the key ignored.
/// </summary>
[CancelAfter(30000)]
[NonParallelizable]
public sealed class TwistedTraceContextInteropTests : TwistedServerFixture
{
    [Test]
    public async Task Traced_calls_reach_Twisted_as_plain_AMP_and_a_stray_traceparent_is_ignored(CancellationToken cancellationToken)
    {
        using var capture = new TelemetryCapture();
        await using AmpConnection connection = await ConnectAsync(cancellationToken, new AmpConnectionOptions { Name = "traced-to-twisted", Extensions = AmpExtensions.All });
        Assert.That(await connection.NegotiateExtensionsAsync(cancellationToken), Is.EqualTo(AmpExtensions.None));
        Assert.That((int)(await connection.CallRemoteAsync(new Sum { A = 40, B = 2 }, cancellationToken)).Total, Is.EqualTo(42));
        Assert.That(capture.SpansOf("traced-to-twisted").Exists(span => span.OperationName == "Sum" && span.Kind == ActivityKind.Client), Is.True);

        var arguments = new AmpBox();
        arguments.SetString("a", "1");
        arguments.SetString("b", "2");
        arguments.SetString("_traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        AmpBox answer = await connection.CallRemoteStringAsync("Sum", arguments, cancellationToken);
        Assert.That(answer.GetString("total"), Is.EqualTo("3"));
        Assert.That(connection.IsConnected, Is.True);
        Assert.That(ServerErrors, Does.Not.Contain("Traceback"));
    }
}
