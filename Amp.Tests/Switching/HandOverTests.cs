using System.Text;
using Amp.Boxes;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Switching;

/// <summary>HandOverAsync: a connection hands itself to another protocol without a switch command.</summary>
[CancelAfter(20000)]
public sealed class HandOverTests
{
    [Test]
    public async Task HandingOverBetweenBoxesGivesTheRawStream(CancellationToken cancellationToken)
    {
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = InteropResponders.Create() });
        await peer.WriteBoxAsync(new AmpBox().SetString("_command", "Sum").SetString("_ask", "1").SetString("a", "2").SetString("b", "3"), cancellationToken);
        AmpBox answer = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(answer.GetString("total"), Is.EqualTo("5"));

        await using AmpSwitchedConnection raw = await peer.Connection.HandOverAsync(cancellationToken);
        Assert.That((await peer.Connection.Completion).Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched));
        var refused = Assert.ThrowsAsync<AmpConnectionLostException>(() => peer.Connection.CallRemoteAsync(new Sum(), cancellationToken));
        Assert.That(refused!.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolSwitched));

        await peer.WriteAsync("\0\0raw after the boundary"u8.ToArray(), cancellationToken);
        Assert.That(Encoding.ASCII.GetString(await ReadAsync(raw.AsStream(), 24, cancellationToken)), Is.EqualTo("\0\0raw after the boundary"));
        await raw.Pipe.Output.WriteAsync("and back"u8.ToArray(), cancellationToken);
        Assert.That(await peer.ReadExactlyAsync(8, cancellationToken), Is.EqualTo("and back"u8.ToArray()));
    }

    [Test]
    public async Task FromAResponderTheAnswerGoesFirstAndTheBytesAfterTheBoxAreRaw(CancellationToken cancellationToken)
    {
        Task<AmpSwitchedConnection>? handingOver = null;
        var responders = new AmpResponders().Add<Detach, AmpEmptyResponse>((Detach _, AmpConnection connection, CancellationToken _) =>
        {
            handingOver = connection.HandOverAsync(cancellationToken);
            return new ValueTask<AmpEmptyResponse>(AmpEmptyResponse.Instance);
        });
        await using RawPeer peer = RawPeer.Start(new AmpConnectionOptions { Responders = responders });
        byte[] box = BoxWriter.Serialize(new AmpBox().SetString("_command", "Detach").SetString("_ask", "1"));
        byte[] raw = "\0\x05still not a box"u8.ToArray();
        await peer.WriteAsync([.. box, .. raw], cancellationToken);
        AmpBox answer = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(answer.GetString("_answer"), Is.EqualTo("1"));
        await using AmpSwitchedConnection switched = await handingOver!;
        Assert.That(await ReadAsync(switched.AsStream(), raw.Length, cancellationToken), Is.EqualTo(raw));
    }

    private static async Task<byte[]> ReadAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }
}

[AmpCommand("Detach")]
public sealed class Detach : IAmpCommand<AmpEmptyResponse>;
