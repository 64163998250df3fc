using System.Security.Cryptography;

namespace Amp.Tests.Streams;

[AmpCommand("Upload")]
public sealed class Upload : IAmpCommand<UploadResult>
{
    [AmpArgument("name")]
    public string Name { get; set; } = "";

    [AmpArgument("data")]
    public Stream Data { get; set; } = Stream.Null;
}

public sealed class UploadResult
{
    [AmpArgument("length")]
    public long Length { get; set; }

    [AmpArgument("sha256")]
    public byte[] Sha256 { get; set; } = [];
}

[AmpCommand("Download")]
public sealed class Download : IAmpCommand<DownloadResult>
{
    [AmpArgument("length")]
    public long Length { get; set; }

    [AmpArgument("seed")]
    public int Seed { get; set; }

    /// <summary>Fail after this many bytes (0: never).</summary>
    [AmpArgument("failAt")]
    public long FailAt { get; set; }
}

public sealed class DownloadResult
{
    [AmpArgument("data")]
    public Stream Data { get; set; } = Stream.Null;
}

/// <summary>Echoes a stream back while it arrives (both directions at once).</summary>
[AmpCommand("EchoStream")]
public sealed class EchoStream : IAmpCommand<EchoStreamResult>
{
    [AmpArgument("data")]
    public Stream Data { get; set; } = Stream.Null;
}

public sealed class EchoStreamResult
{
    [AmpArgument("data")]
    public Stream Data { get; set; } = Stream.Null;
}

/// <summary>The responders of the stream tests, with signals the tests wait on.</summary>
internal sealed class StreamResponders
{
    public TaskCompletionSource<Exception?> UploadEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource DownloadSourceDisposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, Upload reads this many bytes and returns without reading the rest.</summary>
    public long? UploadReadLimit { get; set; }

    public AmpResponders Table() => AddTo(new AmpResponders());

    public AmpResponders AddTo(AmpResponders table) => table
        .Add<Upload, UploadResult>(UploadAsync)
        .Add<Download, DownloadResult>(download => new DownloadResult
        {
            Data = new PatternStream(download.Length, download.Seed, download.FailAt) { Disposed = DownloadSourceDisposed },
        })
        .Add<EchoStream, EchoStreamResult>(echo => new EchoStreamResult { Data = echo.Data });

    private async Task<UploadResult> UploadAsync(Upload upload)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[81920];
        long total = 0;
        try
        {
            while (UploadReadLimit is not { } limit || total < limit)
            {
                int read = await upload.Data.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, read);
                total += read;
            }
        }
        catch (Exception e)
        {
            UploadEnded.TrySetResult(e);
            throw;
        }

        UploadEnded.TrySetResult(null);
        return new UploadResult { Length = total, Sha256 = hash.GetHashAndReset() };
    }
}
