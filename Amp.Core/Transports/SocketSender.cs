using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Amp.Transports;

/// <summary>
/// Sends a byte sequence on a socket, all of it: the segments of a multi-segment sequence go out in
/// one gathering send when they are array-backed (the usual pools are), one by one otherwise.
/// </summary>
internal sealed class SocketSender(Socket socket)
{
    private List<ArraySegment<byte>>? _segments;

    public async ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            await SendAllAsync(buffer.First).ConfigureAwait(false);
            return;
        }

        // Gather the segments into one send call when they are array-backed (the usual pools are).
        List<ArraySegment<byte>> segments = _segments ??= new List<ArraySegment<byte>>();
        segments.Clear();
        foreach (ReadOnlyMemory<byte> memory in buffer)
        {
            if (!MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment))
            {
                segments.Clear();
                await SendSegmentsOneByOneAsync(buffer).ConfigureAwait(false);
                return;
            }

            segments.Add(segment);
        }

        int sent = await socket.SendAsync(segments, SocketFlags.None).ConfigureAwait(false);
        segments.Clear();
        if (sent < buffer.Length)
        {
            await SendSegmentsOneByOneAsync(buffer.Slice(sent)).ConfigureAwait(false);
        }
    }

    private async ValueTask SendSegmentsOneByOneAsync(ReadOnlySequence<byte> buffer)
    {
        foreach (ReadOnlyMemory<byte> memory in buffer)
        {
            await SendAllAsync(memory).ConfigureAwait(false);
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> memory)
    {
        while (!memory.IsEmpty)
        {
            int sent = await socket.SendAsync(memory, SocketFlags.None).ConfigureAwait(false);
            memory = memory[sent..];
        }
    }
}
