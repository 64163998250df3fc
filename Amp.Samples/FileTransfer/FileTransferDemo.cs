using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using Amp.Dispatch;
using Amp.Switching;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Samples.FileTransfer;

/// <summary>
/// Agrees on a file transfer with AMP, switches the connection to raw bytes to send it (in plaintext,
/// then inside TLS), checks the receiver's SHA-256 and prints the throughput. Both ends run in this
/// process over loopback TCP.
/// </summary>
internal static class FileTransferDemo
{
    public static async Task<int> RunAsync(long size, TextWriter log, CancellationToken cancellationToken)
    {
        string file = Path.Combine(Path.GetTempPath(), $"amp-transfer-{Environment.ProcessId}.bin");
        try
        {
            await WriteRandomFileAsync(file, size, cancellationToken);
            X509Authority tls = X509Authority.Create();
            bool ok = await TransferAsync(file, secure: null, log, cancellationToken);
            ok &= await TransferAsync(file, tls, log, cancellationToken);
            log.WriteLine(ok ? "transfer: done, both copies intact" : "transfer: FAILED");
            return ok ? 0 : 1;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<bool> TransferAsync(string file, X509Authority? secure, TextWriter log, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task<AmpTransport> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        await using AmpConnection sender = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken));
        AmpResponders receiving = new AmpResponders().AddFileReceiver(log);
        if (secure is not null)
        {
            receiving.AddStartTls(secure.ServerOptions);
        }

        await using AmpConnection receiver = AmpConnection.Start(await accepting, new AmpConnectionOptions { Responders = receiving });
        if (secure is not null)
        {
            TlsConnectionInfo info = await sender.StartTlsAsync(secure.ClientOptions, cancellationToken);
            log.WriteLine($"sender: {info}");
        }

        byte[] digest;
        await using (FileStream source = File.OpenRead(file))
        {
            digest = await SHA256.HashDataAsync(source, cancellationToken);
        }

        var offer = new SendFile { Name = Path.GetFileName(file), Size = new FileInfo(file).Length, Sha256 = digest };
        log.WriteLine($"sender: offering {offer.Name} ({offer.Size:N0} bytes){(secure is null ? "" : " inside TLS")}");
        long started = Stopwatch.GetTimestamp();
        await using AmpSwitchedConnection raw = await sender.SwitchProtocolAsync(offer, cancellationToken);
        await using (FileStream source = File.OpenRead(file))
        {
            await source.CopyToAsync(raw.Pipe.Output, cancellationToken);
        }

        await raw.Pipe.Output.FlushAsync(cancellationToken);
        byte[] confirmed = new byte[32];
        await raw.AsStream().ReadExactlyAsync(confirmed, cancellationToken);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        bool intact = confirmed.AsSpan().SequenceEqual(digest);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sender: {(intact ? "receiver confirmed the SHA-256" : "receiver's SHA-256 DIFFERS")}; {offer.Size / 1e6:F1} MB in {seconds:F2} s = {offer.Size / 1e6 / seconds:F1} MB/s over {raw.Layers}"));
        return intact;
    }

    private static async Task WriteRandomFileAsync(string path, long size, CancellationToken cancellationToken)
    {
        await using FileStream file = File.Create(path);
        var chunk = new byte[1024 * 1024];
        for (long written = 0; written < size; written += chunk.Length)
        {
            RandomNumberGenerator.Fill(chunk);
            await file.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - written)), cancellationToken);
        }
    }

    /// <summary>A throwaway development CA with a server and a client certificate, for the TLS run.</summary>
    private sealed record X509Authority(TlsLayerOptions ServerOptions, TlsLayerOptions ClientOptions)
    {
        public static X509Authority Create()
        {
            var authority = DevelopmentCertificates.CreateAuthority("Amp.NET transfer demo CA");
            return new X509Authority(
                new TlsLayerOptions { LocalCertificate = DevelopmentCertificates.Issue(authority, "receiver"), TrustedAuthorities = [authority], RequireClientCertificate = true },
                new TlsLayerOptions { LocalCertificate = DevelopmentCertificates.Issue(authority, "sender"), TrustedAuthorities = [authority], TargetHost = "localhost" });
        }
    }
}
