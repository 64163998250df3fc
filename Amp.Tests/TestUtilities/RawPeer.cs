using System.Buffers;
using System.IO.Pipelines;
using Amp.Boxes;
using Amp.Transports;

namespace Amp.Tests.TestUtilities;

/// <summary>
/// A scripted peer: one end of an in-memory pair is an <see cref="AmpConnection"/>, the other is driven
/// byte by byte by the test, which writes exact bytes and reads exact boxes back.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private RawPeer(InMemoryTransport transport, AmpConnection connection)
    {
        Transport = transport;
        Connection = connection;
    }

    /// <summary>The raw end the test drives.</summary>
    public InMemoryTransport Transport { get; }

    /// <summary>Our connection, on the other end.</summary>
    public AmpConnection Connection { get; }

    public PipeReader Input => Transport.Input;

    public PipeWriter Output => Transport.Output;

    /// <summary>Starts a connection on one end of a new pair and returns the raw other end.</summary>
    public static RawPeer Start(AmpConnectionOptions? options = null, InMemoryTransportOptions? transport = null)
    {
        var (ours, peer) = InMemoryTransport.CreatePair(transport);
        return new RawPeer(peer, AmpConnection.Start(ours, options));
    }

    /// <summary>Writes and flushes exact bytes.</summary>
    public async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken) =>
        await Output.WriteAsync(bytes, cancellationToken);

    /// <summary>Writes a box (keys sorted, as Twisted writes them).</summary>
    public Task WriteBoxAsync(AmpBox box, CancellationToken cancellationToken) =>
        WriteAsync(BoxWriter.Serialize(box), cancellationToken);

    /// <summary>Ends the byte stream towards our connection.</summary>
    public ValueTask CompleteOutputAsync() => Output.CompleteAsync();

    /// <summary>Reads exactly <paramref name="count"/> bytes, or fewer if the stream ends first.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var received = new byte[count];
        int filled = 0;
        while (filled < count)
        {
            ReadResult result = await Input.ReadAsync(cancellationToken);
            long take = Math.Min(result.Buffer.Length, count - filled);
            result.Buffer.Slice(0, take).CopyTo(received.AsSpan(filled));
            filled += (int)take;
            Input.AdvanceTo(result.Buffer.GetPosition(take));
            if (filled < count && result.IsCompleted)
            {
                break;
            }
        }

        return received.AsSpan(0, filled).ToArray();
    }

    /// <summary>Reads the next whole box, or <see langword="null"/> if the stream ends first.</summary>
    public Task<byte[]?> ReadBoxBytesAsync(CancellationToken cancellationToken) => WireBoxes.ReadBoxAsync(Input, cancellationToken);

    /// <summary>Reads the next whole box; fails the test if the stream ends first.</summary>
    public async Task<AmpBox> ReadBoxAsync(CancellationToken cancellationToken)
    {
        byte[]? bytes = await ReadBoxBytesAsync(cancellationToken);
        Assert.That(bytes, Is.Not.Null, "the stream ended before a whole box arrived");
        return Parse(bytes!);
    }

    /// <summary>Reads until our side closes the transport; returns what arrived meanwhile.</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var all = new List<byte>();
        while (true)
        {
            ReadResult result = await Input.ReadAsync(cancellationToken);
            all.AddRange(result.Buffer.ToArray());
            Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }

    public static AmpBox Parse(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.That(BoxReader.TryReadBox(ref buffer, AmpLimits.Default, out AmpBox? box), Is.True, "not a complete box");
        return box!;
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Transport.DisposeAsync();
    }
}
