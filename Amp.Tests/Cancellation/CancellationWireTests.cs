using System.Numerics;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using static Amp.Tests.TestUtilities.WireBoxes;

namespace Amp.Tests.Cancellation;

/// <summary>The cancellation extension's bytes, checked against a scripted peer (spec/amp-wire.md §15.5).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class CancellationWireTests
{
    private static readonly byte[] CancelOffer = Offer("cancel/1");

    private static byte[] SumCall(string tag, params (string Key, byte[] Value)[] extra) =>
        Bytes([("_ask", Ascii(tag)), ("_command", "Sum"u8.ToArray()), ("a", "1"u8.ToArray()), ("b", "2"u8.ToArray()), .. extra]);

    private static byte[] Ascii(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    [Test]
    public async Task A_cancel_sends_the_hello_first_then_a_cancel_box_naming_the_tag(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        using var cancel = new CancellationTokenSource();
        Task<SumResult> call = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancel.Token);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(SumCall("1")), "nothing is agreed yet: a plain call, no _timeout");

        cancel.Cancel();
        Assert.CatchAsync<OperationCanceledException>(() => call);
        byte[]? hello = await peer.ReadBoxBytesAsync(cancellationToken);
        Assert.That(hello, Is.EqualTo(Bytes(("_ask", "2"u8.ToArray()), ("_command", "_amp.extensions"u8.ToArray()), ("offer", DefaultOffer))));
        await peer.WriteBoxAsync(Make(("_answer", "2"), ("accept", CancelOffer)), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(Bytes(("_cancel", "1"u8.ToArray()))));

        // Agreed now: the next cancel goes at once, and the late answer to the first call is dropped.
        await peer.WriteBoxAsync(Make(("_error", "1"), ("_error_code", "CANCELLED"), ("_error_description", "cancelled")), cancellationToken);
        using var cancel2 = new CancellationTokenSource();
        Task<SumResult> second = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancel2.Token);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(SumCall("3")));
        cancel2.Cancel();
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(Bytes(("_cancel", "3"u8.ToArray()))));
        Assert.CatchAsync<OperationCanceledException>(() => second);
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task A_peer_that_answers_the_hello_UNHANDLED_never_sees_a_cancel(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start();
        using var cancel = new CancellationTokenSource();
        Task<SumResult> call = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancel.Token);
        await peer.ReadBoxBytesAsync(cancellationToken);
        cancel.Cancel();
        AmpBox hello = await peer.ReadBoxAsync(cancellationToken);
        await peer.WriteBoxAsync(Make(("_error", hello.GetString("_ask")!), ("_error_code", "UNHANDLED"), ("_error_description", "Unhandled Command: b'_amp.extensions'")), cancellationToken);

        // Calls made after the refusal carry no _timeout, and their cancels send nothing.
        using var cancel2 = new CancellationTokenSource();
        Task<SumResult> second = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, TimeSpan.FromHours(1), cancel2.Token);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(SumCall("3")));
        cancel2.Cancel();
        Task<SumResult> third = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(SumCall("4")), "no _cancel box before the next call");
        await peer.WriteBoxAsync(Make(("_answer", "4"), ("total", "3")), cancellationToken);
        Assert.That((await third).Total, Is.EqualTo(new BigInteger(3)));
        Assert.CatchAsync<OperationCanceledException>(() => call);
        Assert.CatchAsync<OperationCanceledException>(() => second);
    }

    [Test]
    public async Task With_cancel_agreed_the_calls_timeout_travels_last_in_the_call_box(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { CallTimeout = TimeSpan.FromSeconds(30) });
        Task<AmpExtensions> negotiating = peer.Connection.NegotiateExtensionsAsync(cancellationToken);
        AmpBox hello = await peer.ReadBoxAsync(cancellationToken);
        await peer.WriteBoxAsync(Make(("_answer", hello.GetString("_ask")!), ("accept", CancelOffer)), cancellationToken);
        Assert.That(await negotiating, Is.EqualTo(AmpExtensions.Cancellation));

        Task<SumResult> own = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, TimeSpan.FromMilliseconds(1500), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(SumCall("2", ("_timeout", "1500"u8.ToArray()))));
        Task<SumResult> connectionWide = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(SumCall("3", ("_timeout", "30000"u8.ToArray()))), "CallTimeout travels too");
        await peer.WriteBoxAsync(Make(("_answer", "2"), ("total", "3")), cancellationToken);
        await peer.WriteBoxAsync(Make(("_answer", "3"), ("total", "3")), cancellationToken);
        Assert.That(((await own).Total, (await connectionWide).Total), Is.EqualTo((new BigInteger(3), new BigInteger(3))));
    }

    [Test]
    public async Task A_CANCELLED_answer_to_a_call_not_cancelled_here_means_its_carried_deadline_passed_at_the_peer(CancellationToken cancellationToken)
    {
        // The peer's timer (started from _timeout) may fire before this side's own: the caller sees a timeout either way.
        await using RawPeer peer = RawPeer.Start();
        Task<AmpExtensions> negotiating = peer.Connection.NegotiateExtensionsAsync(cancellationToken);
        AmpBox hello = await peer.ReadBoxAsync(cancellationToken);
        await peer.WriteBoxAsync(Make(("_answer", hello.GetString("_ask")!), ("accept", CancelOffer)), cancellationToken);
        await negotiating;

        Task<SumResult> call = peer.Connection.CallRemoteAsync(new Sum { A = 1, B = 2 }, TimeSpan.FromHours(1), cancellationToken);
        Assert.That(await peer.ReadBoxBytesAsync(cancellationToken), Is.EqualTo(SumCall("2", ("_timeout", "3600000"u8.ToArray()))));
        await peer.WriteBoxAsync(Make(("_error", "2"), ("_error_code", "CANCELLED"), ("_error_description", "deadline passed")), cancellationToken);
        TimeoutException timeout = Assert.ThrowsAsync<TimeoutException>(() => call)!;
        Assert.That(timeout.Message, Does.Contain("_timeout"));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [Test]
    public async Task As_callee_a_cancel_or_a_timeout_fires_the_responders_token_and_is_answered_CANCELLED(CancellationToken cancellationToken)
    {
        var holds = new HoldResponder();
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = holds.AddTo(new AmpResponders()) });
        await peer.WriteBoxAsync(Make(("_ask", "1"), ("_command", "_amp.extensions"), ("offer", CancelOffer)), cancellationToken);
        Assert.That((await peer.ReadBoxAsync(cancellationToken))["accept"].ToArray(), Is.EqualTo(CancelOffer));

        await peer.WriteBoxAsync(Make(("_ask", "2"), ("_command", "Hold"), ("id", "1")), cancellationToken);
        await holds.Started(1).WaitAsync(cancellationToken);
        await peer.WriteBoxAsync(Make(("_cancel", "2")), cancellationToken);
        await holds.Cancelled(1).WaitAsync(cancellationToken);
        AmpBox answer = await peer.ReadBoxAsync(cancellationToken);
        Assert.That((answer.GetString("_error"), answer.GetString("_error_code")), Is.EqualTo(("2", "CANCELLED")));

        await peer.WriteBoxAsync(Make(("_ask", "3"), ("_command", "Hold"), ("id", "2"), ("_timeout", "50")), cancellationToken);
        await holds.Cancelled(2).WaitAsync(cancellationToken);
        answer = await peer.ReadBoxAsync(cancellationToken);
        Assert.That((answer.GetString("_error"), answer.GetString("_error_code")), Is.EqualTo(("3", "CANCELLED")));

        // A cancel that crosses the answer names nothing running: ignored.
        await peer.WriteBoxAsync(Make(("_cancel", "3")), cancellationToken);
        await peer.WriteBoxAsync(Make(("_cancel", "77")), cancellationToken);
        await peer.WriteBoxAsync(Make(("_ask", "4"), ("_command", "_amp.extensions"), ("offer", CancelOffer)), cancellationToken);
        Assert.That((await peer.ReadBoxAsync(cancellationToken)).GetString("_answer"), Is.EqualTo("4"));
        Assert.That(peer.Connection.IsConnected, Is.True);
    }

    [TestCase("_timeout", "abc")]
    [TestCase("_timeout", "0")]
    [TestCase("_timeout", "-5")]
    [TestCase("_timeout", "0100")]
    [TestCase("_timeout", "2147483648")]
    [TestCase("_cancel", "")]
    public async Task A_malformed_cancellation_key_closes_the_connection(string key, string value, CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create() });
        AmpBox box = key == "_cancel" ? Make((key, value)) : Make(("_ask", "1"), ("_command", "Sum"), ("a", "1"), ("b", "2"), (key, value));
        await peer.WriteBoxAsync(box, cancellationToken);
        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(lost.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
        Assert.That(((AmpProtocolException)lost.InnerException!).Error, Is.EqualTo(AmpProtocolError.CancellationViolation));
    }

    [Test]
    public async Task Without_the_extension_a_timeout_key_is_an_unknown_key_and_a_cancel_box_is_an_empty_box(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create(), Extensions = AmpExtensions.None });
        await peer.WriteBoxAsync(Make(("_ask", "1"), ("_command", "Sum"), ("a", "1"), ("b", "2"), ("_timeout", "abc")), cancellationToken);
        Assert.That((await peer.ReadBoxAsync(cancellationToken)).GetString("total"), Is.EqualTo("3"));
        await peer.WriteBoxAsync(Make(("_cancel", "1")), cancellationToken);
        AmpConnectionLostException lost = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(((AmpProtocolException)lost.InnerException!).Error, Is.EqualTo(AmpProtocolError.EmptyBox));
    }
}
