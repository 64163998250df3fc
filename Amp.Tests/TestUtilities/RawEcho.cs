using System.Buffers;
using System.IO.Pipelines;

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
        await connection.Pipe.Output.WriteAsync(Greeting);
        await EchoAsync(connection);
    }

    /// <summary>Echoes every byte, without a greeting, until the input ends.</summary>
    public static async Task EchoAsync(AmpSwitchedConnection connection)
    {
        PipeWriter output = connection.Pipe.Output;
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
    public static Task<byte[]> ExchangeAsync(AmpSwitchedConnection connection, byte[] data, CancellationToken cancellationToken) =>
        ExchangeAsync(connection, data, Greeting.Length + data.Length, cancellationToken);

    /// <summary>
    /// Writes <paramref name="data"/>, then reads back <paramref name="expected"/> bytes, or fewer if the input
    /// ends first. If both the writing and the reading fail, the first failure is thrown and both are observed.
    /// </summary>
    public static async Task<byte[]> ExchangeAsync(AmpSwitchedConnection connection, byte[] data, int expected, CancellationToken cancellationToken)
    {
        Task<byte[]> reading = ReadAsync(connection.Pipe.Input, expected, cancellationToken);
        await Task.WhenAll(WriteAsync(connection.Pipe.Output, data, cancellationToken), reading);
        return await reading;
    }

    private static async Task WriteAsync(PipeWriter output, byte[] data, CancellationToken cancellationToken)
    {
        for (int offset = 0; offset < data.Length; offset += 7000)
        {
            await output.WriteAsync(data.AsMemory(offset, Math.Min(7000, data.Length - offset)), cancellationToken);
        }
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
