using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Streams;

/// <summary>
/// The peer may use an extension as soon as it has read our offer (spec §15.1): its stream boxes can come
/// before its answer to our hello, and must be taken as streams, not refused.
/// </summary>
[CancelAfter(30_000)]
public sealed class StreamNegotiationRaceTests
{
    [Test]
    public async Task AStreamCallThatOvertakesTheAnswerToOurHelloIsServed(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = new StreamResponders().Table() });
        Task<AmpExtensions> negotiating = peer.Connection.NegotiateExtensionsAsync(cancellationToken);
        Assert.That((await peer.ReadBoxAsync(cancellationToken)).GetString("_command"), Is.EqualTo("_amp.extensions"));

        // The peer has read our offer and calls with a stream before answering the hello.
        await peer.WriteAsync(Wire.Bytes("""00 04 "_ask" 00 01 "1" 00 08 "_command" 00 06 "Upload" 00 04 "data" 00 01 "1" 00 04 "name" 00 01 "x" 00 08 "_streams" 00 01 "1" 00 00"""), cancellationToken);
        AmpBox grant = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(grant.GetString("_grant"), Is.EqualTo("1"), "the stream is taken: credit is granted");
        Assert.That(grant.GetString("_credit"), Is.Not.Null);
        await peer.WriteAsync(Wire.Bytes("""00 06 "_chunk" 00 03 "abc" 00 07 "_stream" 00 01 "1" 00 00 00 04 "_end" 00 00 00 07 "_stream" 00 01 "1" 00 00"""), cancellationToken);
        AmpBox answer;
        do
        {
            answer = await peer.ReadBoxAsync(cancellationToken);
        }
        while (answer.GetString("_grant") is not null);

        Assert.That(answer.GetString("_answer"), Is.EqualTo("1"), string.Join(", ", answer.Select(e => $"{e.Key}={System.Text.Encoding.UTF8.GetString(e.Value.Span)}")));
        Assert.That(answer.GetString("length"), Is.EqualTo("3"));

        await peer.WriteAsync(Wire.Bytes("""00 07 "_answer" 00 01 "1" 00 06 "accept" 00 0b 00 09 "streams/1" 00 00"""), cancellationToken);
        Assert.That(await negotiating, Is.EqualTo(AmpExtensions.Streams));
    }

    [Test]
    public async Task StreamBoxesBeforeAnyOfferStillBreakTheProtocol(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = new StreamResponders().Table() });
        await peer.WriteAsync(Wire.Bytes("""00 06 "_chunk" 00 03 "abc" 00 07 "_stream" 00 01 "1" 00 00"""), cancellationToken);
        AmpConnectionLostException end = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
    }
}
