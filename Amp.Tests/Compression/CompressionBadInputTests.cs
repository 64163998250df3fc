using System.Buffers.Binary;
using System.IO.Compression;
using Amp.Boxes;
using Amp.Compression;
using Amp.Layers;
using Amp.Tests.TestUtilities;

namespace Amp.Tests.Compression;

/// <summary>
/// A scripted peer that starts compression with an Amp.NET connection and then sends bad frames: each
/// ends the connection with a clear reason, at once, and a decompression bomb costs no more memory than
/// the box limit.
/// </summary>
[CancelAfter(30000)]
public sealed class CompressionBadInputTests
{
    [Test]
    public async Task AFrameLongerThanTheLimitEndsTheConnection(CancellationToken cancellationToken)
    {
        await using RawPeer peer = await StartCompressedAsync(null, cancellationToken);
        await peer.WriteAsync([0x00, 0x10, 0x00, 0x01], cancellationToken); // 1 MiB + 1, and nothing after it

        AmpConnectionLostException end = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
        Assert.That(end.InnerException, Is.InstanceOf<AmpCompressionException>());
        Assert.That(end.Message, Does.Contain("compression frame of 1048577 bytes").And.Contain("limit is 1048576"));
        Assert.That(await peer.ReadToEndAsync(cancellationToken), Is.Empty, "the connection closes without writing anything more");
    }

    [Test]
    public async Task InvalidDeflateEndsTheConnection(CancellationToken cancellationToken)
    {
        await using RawPeer peer = await StartCompressedAsync(null, cancellationToken);
        await peer.WriteAsync(CompressionLayerTests.Frame([0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA]), cancellationToken);

        AmpConnectionLostException end = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
        Assert.That(end.InnerException, Is.InstanceOf<AmpCompressionException>());
        Assert.That(end.InnerException!.InnerException, Is.InstanceOf<InvalidDataException>());
        Assert.That(end.Message, Does.Contain("not valid Deflate"));
        await peer.ReadToEndAsync(cancellationToken);
    }

    [Test]
    public async Task AFrameCutShortIsAClose(CancellationToken cancellationToken)
    {
        await using RawPeer peer = await StartCompressedAsync(null, cancellationToken);
        byte[] frame = CompressionLayerTests.Frame(CompressionLayerTests.Deflate(BoxWriter.Serialize(new AmpBox().SetString("_command", "Sum").SetString("_ask", "1").SetString("a", "1").SetString("b", "2")), final: false));
        await peer.WriteAsync(frame.AsSpan(0, frame.Length - 3).ToArray(), cancellationToken);
        await peer.CompleteOutputAsync();

        AmpConnectionLostException end = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.RemoteClosed));
        Assert.That(end.Message, Does.Contain("in the middle of a compression frame"));
    }

    [Test]
    public async Task ADecompressionBombIsStoppedByTheBoxLimitWithoutInflatingIt(CancellationToken cancellationToken)
    {
        var captured = new TaskCompletionSource<CompressionLayer>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RawPeer peer = await StartCompressedAsync(captured, cancellationToken);

        // One box that never ends: 'k' = 65,535 'x', over and over, 64 MiB in all; it compresses about 1000:1.
        byte[] pair = new byte[3 + 2 + 65535];
        BinaryPrimitives.WriteUInt16BigEndian(pair, 1);
        pair[2] = (byte)'k';
        BinaryPrimitives.WriteUInt16BigEndian(pair.AsSpan(3), 65535);
        pair.AsSpan(5).Fill((byte)'x');
        const int Pairs = 1024;
        var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (int i = 0; i < Pairs; i++)
            {
                deflate.Write(pair);
            }
        }

        byte[] bomb = compressed.ToArray();
        TestContext.Out.WriteLine($"bomb: {bomb.Length} bytes inflating to {(long)Pairs * pair.Length}");
        Assert.That(bomb.Length, Is.LessThan(512 * 1024), "the bomb must fit the transport's buffer (1 MiB), as it is written up front");
        for (int at = 0; at < bomb.Length; at += 65536)
        {
            await peer.WriteAsync(CompressionLayerTests.Frame(bomb.AsSpan(at, Math.Min(65536, bomb.Length - at)).ToArray()), cancellationToken);
        }

        AmpConnectionLostException end = await peer.Connection.Completion.WaitAsync(cancellationToken);
        Assert.That(end.Reason, Is.EqualTo(AmpDisconnectReason.ProtocolViolation));
        Assert.That(end.InnerException, Is.InstanceOf<AmpProtocolException>().With.Property(nameof(AmpProtocolException.Error)).EqualTo(AmpProtocolError.BoxTooLarge));

        CompressionLayer layer = await captured.Task.WaitAsync(cancellationToken);
        TestContext.Out.WriteLine($"inflated before the connection ended: {layer.UncompressedBytesReceived} bytes, from {layer.CompressedBytesReceived} compressed");
        Assert.That(layer.UncompressedBytesReceived, Is.LessThan(AmpLimits.Default.MaxBoxBytes + (64 * 1024)));
    }

    /// <summary>
    /// A connection answering StartCompression, and a raw peer that has asked for it and read the answer:
    /// from then on what the peer writes is read through the connection's compression layer.
    /// </summary>
    private static async Task<RawPeer> StartCompressedAsync(TaskCompletionSource<CompressionLayer>? captured, CancellationToken cancellationToken)
    {
        AmpResponders responders = InteropResponders.Create();
        if (captured is null)
        {
            responders.AddStartCompression();
        }
        else
        {
            // The same push, built by hand on the public layer API, keeping the layer for the test.
            responders.AddLayerChange<StartCompression, AmpEmptyResponse>((_, _) => new LayerChangeAnswer<AmpEmptyResponse>(
                AmpEmptyResponse.Instance,
                LayerChange.Push("compression", (context, _) =>
                {
                    var layer = new CompressionLayer(context.Below);
                    captured.TrySetResult(layer);
                    return ValueTask.FromResult<AmpLayer>(layer);
                }, heldBoxesNeedTheNewLayer: false)));
        }

        var peer = RawPeer.Start(new AmpConnectionOptions { Responders = responders, Name = "server" });
        await peer.WriteBoxAsync(new AmpBox().SetString("_ask", "1").SetString("_command", "StartCompression"), cancellationToken);
        AmpBox answer = await peer.ReadBoxAsync(cancellationToken);
        Assert.That(answer.GetString("_answer"), Is.EqualTo("1"));
        return peer;
    }
}
