using System.Security.Cryptography;

namespace Amp.Samples.FileTransfer;

/// <summary>
/// Sends a file as a stream argument (the Amp.NET streams extension): no protocol switch, so the
/// connection stays AMP, other calls go on meanwhile, and the answer is an ordinary AMP answer.
/// </summary>
[AmpCommand("UploadFile")]
[AmpError("REFUSED", typeof(TransferRefusedException))]
public sealed class UploadFile : IAmpCommand<UploadFileResult>
{
    [AmpArgument("name")] public string Name { get; init; } = "";
    [AmpArgument("data")] public Stream Data { get; init; } = Stream.Null;
}

/// <summary>What the receiver got.</summary>
public sealed class UploadFileResult
{
    [AmpArgument("size")] public long Size { get; init; }
    [AmpArgument("sha256")] public byte[] Sha256 { get; init; } = [];
}

/// <summary>Accepts streamed files up to <see cref="FileReceiver.MaxSize"/>: hashes them as they arrive.</summary>
public static class StreamedFileReceiver
{
    /// <summary>Answers <see cref="UploadFile"/> with the size and SHA-256 of what arrived.</summary>
    /// <param name="responders">The responder table.</param>
    /// <param name="log">Where to report.</param>
    /// <returns>The table.</returns>
    public static AmpResponders AddStreamedFileReceiver(this AmpResponders responders, TextWriter log) =>
        responders.Add<UploadFile, UploadFileResult>(async upload =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] buffer = new byte[128 * 1024];
            long size = 0;
            int read;
            while ((read = await upload.Data.ReadAsync(buffer)) > 0)
            {
                size += read;
                if (size > FileReceiver.MaxSize)
                {
                    throw new TransferRefusedException($"more than this receiver takes ({FileReceiver.MaxSize} bytes)");
                }

                hash.AppendData(buffer, 0, read);
            }

            log.WriteLine($"receiver: streamed {upload.Name} ({size:N0} bytes)");
            return new UploadFileResult { Size = size, Sha256 = hash.GetHashAndReset() };
        });
}
