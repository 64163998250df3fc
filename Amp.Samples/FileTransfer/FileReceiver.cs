using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;

namespace Amp.Samples.FileTransfer;

/// <summary>Accepts files up to a size limit: reads the raw bytes after the switch, hashes them, answers with the digest.</summary>
public static class FileReceiver
{
    /// <summary>The largest file accepted.</summary>
    public const long MaxSize = 4L * 1024 * 1024 * 1024;

    /// <summary>Answers <see cref="SendFile"/>: accepts, switches to raw bytes, hashes them and writes back the SHA-256.</summary>
    /// <param name="responders">The responder table.</param>
    /// <param name="log">Where to report (standard error over stdio).</param>
    /// <returns>The table.</returns>
    public static AmpResponders AddFileReceiver(this AmpResponders responders, TextWriter log) =>
        responders.AddProtocolSwitch<SendFile>((offer, _) =>
        {
            if (offer.Size < 0 || offer.Size > MaxSize)
            {
                throw new TransferRefusedException($"{offer.Size} bytes is more than this receiver takes ({MaxSize}).");
            }

            log.WriteLine($"receiver: accepted {offer.Name} ({offer.Size:N0} bytes); switching to raw bytes");
            return switched => ReceiveAsync(switched, offer, log);
        });

    private static async Task ReceiveAsync(AmpSwitchedConnection switched, SendFile offer, TextWriter log)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        PipeReader input = switched.Pipe.Input;
        long remaining = offer.Size;
        while (remaining > 0)
        {
            ReadResult result = await input.ReadAsync();
            ReadOnlySequence<byte> buffer = result.Buffer.Slice(0, Math.Min(remaining, result.Buffer.Length));
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                hash.AppendData(segment.Span);
            }

            remaining -= buffer.Length;
            input.AdvanceTo(buffer.End);
            if (result.IsCompleted && remaining > 0)
            {
                log.WriteLine($"receiver: the sender stopped {remaining:N0} bytes short");
                return;
            }
        }

        byte[] digest = hash.GetHashAndReset();
        bool intact = digest.AsSpan().SequenceEqual(offer.Sha256);
        log.WriteLine($"receiver: got {offer.Size:N0} bytes over {switched.Layers}; SHA-256 {(intact ? "matches" : "DIFFERS")}");
        await switched.Pipe.Output.WriteAsync(digest);
    }
}
