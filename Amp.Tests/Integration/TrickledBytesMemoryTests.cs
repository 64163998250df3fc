using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Amp.Boxes;
using Amp.Tests.TestUtilities;
using Amp.Tests.Tls;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Integration;

/// <summary>
/// A peer that sends a legal box one byte per TCP segment must cost memory in proportion to the bytes,
/// not one receive buffer per byte (issue 10: 65,535 trickled bytes held 245 MB).
/// </summary>
[NonParallelizable]
[CancelAfter(300_000)]
public sealed class TrickledBytesMemoryTests
{
    private const int PayloadBytes = 16 * 1024;

    [Test]
    public async Task PlaintextTrickledOneBytePerSegmentHoldsAboutTheBytes(CancellationToken cancellationToken)
    {
        var pool = new CountingMemoryPool();
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0, new SocketTransportOptions { MemoryPool = pool });
        Task<AmpConnection> server = AcceptAsync(listener, InteropResponders.Create(), cancellationToken);
        using Socket client = await ConnectAsync(listener.Port, cancellationToken);
        await using AmpConnection accepted = await server;
        var below = new StreamPipe(new NetworkStream(client, ownsSocket: false));

        byte[] box = RawBox(PayloadBytes);
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < box.Length; i++)
        {
            await client.SendAsync(box.AsMemory(i, 1), SocketFlags.None, cancellationToken);
        }

        AmpBox answer = await ReadBoxAsync(below.Input, cancellationToken);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.That(answer["payload"].Length, Is.EqualTo(PayloadBytes));
        TestContext.Out.WriteLine(
            $"{box.Length} bytes trickled: transport pipes peaked at {pool.PeakBytes} bytes ({(double)pool.PeakBytes / box.Length:0.00} per byte), "
            + $"{pool.Rents} buffers rented, {allocated} bytes allocated in the process ({(double)allocated / box.Length:0.0} per byte)");
        Assert.That(pool.PeakBytes, Is.LessThanOrEqualTo((2L * box.Length) + (64 * 1024)), "the server's pipes held more than twice the bytes it had received");
        Assert.That(allocated, Is.LessThan((64L * box.Length) + (4 * 1024 * 1024)), "the server allocated per received byte");
    }

    [TestCase(false, TestName = "UnderTlsEveryWireByteInItsOwnSegmentHoldsAboutTheBytes")]
    [TestCase(true, TestName = "UnderTlsOneByteRecordsHoldAboutTheBytes")]
    public async Task UnderTls(bool oneByteRecords, CancellationToken cancellationToken)
    {
        var pool = new CountingMemoryPool();
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0, new SocketTransportOptions { MemoryPool = pool });
        Task<AmpConnection> server = AcceptAsync(listener, InteropResponders.Create().AddStartTls(TestCertificates.ServerOptions()), cancellationToken);
        using Socket client = await ConnectAsync(listener.Port, cancellationToken);
        await using AmpConnection accepted = await server;
        var wire = new TricklingStream(client);
        var below = new StreamPipe(wire);

        await below.Output.WriteAsync(BoxWriter.Serialize(new AmpBox().SetString("_command", "StartTLS").SetString("_ask", "1")), cancellationToken);
        Assert.That((await ReadBoxAsync(below.Input, cancellationToken)).GetString("_answer"), Is.EqualTo("1"));
        await using TlsLayer tls = await TlsLayer.StartAsync(below, TestCertificates.ClientOptions(), TlsRole.Client, cancellationToken);

        byte[] box = RawBox(PayloadBytes);
        long sentBefore = wire.BytesWritten;
        long peakBefore = pool.PeakBytes;
        wire.OneBytePerSend = true;
        for (int offset = 0; offset < box.Length; offset += oneByteRecords ? 1 : box.Length)
        {
            await tls.Output.WriteAsync(box.AsMemory(offset, oneByteRecords ? 1 : box.Length), cancellationToken);
        }

        AmpBox answer = await ReadBoxAsync(tls.Input, cancellationToken);
        long wireBytes = wire.BytesWritten - sentBefore;

        Assert.That(answer["payload"].Length, Is.EqualTo(PayloadBytes));
        TestContext.Out.WriteLine(
            $"{box.Length} bytes in TLS ({wireBytes} on the wire, one byte per segment): transport pipes peaked at {pool.PeakBytes} bytes "
            + $"({(double)pool.PeakBytes / wireBytes:0.00} per wire byte; {peakBefore} before)");
        Assert.That(pool.PeakBytes, Is.LessThanOrEqualTo((2L * wireBytes) + (64 * 1024)), "the server's pipes held more than twice the bytes it had received");
    }

    private static byte[] RawBox(int payloadBytes)
    {
        var payload = new byte[payloadBytes];
        Random.Shared.NextBytes(payload);
        var box = new AmpBox().SetString("_command", "Raw").SetString("_ask", "1");
        box["payload"] = payload;
        return BoxWriter.Serialize(box);
    }

    private static async Task<AmpConnection> AcceptAsync(SocketListener listener, AmpResponders responders, CancellationToken cancellationToken)
    {
        AmpTransport transport = await listener.AcceptAsync(cancellationToken);
        return AmpConnection.Start(transport, new AmpConnectionOptions { Responders = responders });
    }

    private static async Task<Socket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        return socket;
    }

    private static async Task<AmpBox> ReadBoxAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? box))
            {
                reader.AdvanceTo(buffer.Start);
                return box;
            }

            Assert.That(result.IsCompleted, Is.False, "the server ended the connection before answering");
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>A socket's stream that counts what it sends and can send each byte in its own TCP segment.</summary>
    private sealed class TricklingStream(Socket socket) : NetworkStream(socket, ownsSocket: false)
    {
        public bool OneBytePerSend { get; set; }

        public long BytesWritten { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            BytesWritten += buffer.Length;
            if (!OneBytePerSend)
            {
                await base.WriteAsync(buffer, cancellationToken);
                return;
            }

            for (int i = 0; i < buffer.Length; i++)
            {
                await Socket.SendAsync(buffer.Slice(i, 1), SocketFlags.None, cancellationToken);
            }
        }
    }

    private sealed class StreamPipe(Stream stream) : IDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));

        public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }
}
