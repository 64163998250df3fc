using System.Buffers;
using System.IO.Pipelines;
using Amp.Dispatch;
using Amp.Switching;

namespace Amp.Tests.TestUtilities;

/// <summary>The raw protocol of the switch tests (as twisted_peer.py's): greet, then echo every byte.</summary>
internal static class RawEcho
{
    public static readonly byte[] Greeting = "RAW-ECHO READY\n"u8.ToArray();

    public static AmpResponders AddRawEchoSwitch(this AmpResponders responders) =>
        responders.AddProtocolSwitch<SwitchProtocol>((command, _) => command.Protocol == "raw-echo"
            ? RunAsync
            : throw new UnknownProtocolException($"no protocol named {command.Protocol}"));

    public static async Task RunAsync(AmpSwitchedConnection connection)
    {
        PipeWriter output = connection.Pipe.Output;
        await output.WriteAsync(Greeting);
        PipeReader input = connection.Pipe.Input;
        while (true)
        {
            ReadResult result = await input.ReadAsync();
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                await output.WriteAsync(segment);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Writes <paramref name="data"/>, then reads back the greeting and exactly that many bytes.</summary>
    public static async Task<byte[]> ExchangeAsync(AmpSwitchedConnection connection, byte[] data, CancellationToken cancellationToken)
    {
        Task<byte[]> reading = ReadAsync(connection.Pipe.Input, Greeting.Length + data.Length, cancellationToken);
        for (int offset = 0; offset < data.Length; offset += 7000)
        {
            await connection.Pipe.Output.WriteAsync(data.AsMemory(offset, Math.Min(7000, data.Length - offset)), cancellationToken);
        }

        return await reading;
    }

    private static async Task<byte[]> ReadAsync(PipeReader input, int count, CancellationToken cancellationToken)
    {
        var received = new ArrayBufferWriter<byte>();
        while (received.WrittenCount < count)
        {
            ReadResult result = await input.ReadAsync(cancellationToken);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                received.Write(segment.Span);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        return received.WrittenSpan.ToArray();
    }
}
