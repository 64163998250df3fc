using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Samples.FileTransfer;

/// <summary>
/// Sends a file two ways, in plaintext and then inside TLS: as a stream argument of an AMP call (the
/// streams extension: the connection stays AMP), and by agreeing on the transfer with AMP and switching
/// the connection to raw bytes. Checks the receiver's SHA-256 and prints each throughput. Both ends run
/// in this process over loopback TCP.
/// </summary>
internal static class FileTransferDemo
{
    public static async Task<int> RunAsync(long size, TextWriter log, CancellationToken cancellationToken)
    {
        string file = Path.Combine(Path.GetTempPath(), $"amp-transfer-{Environment.ProcessId}.bin");
        try
        {
            log.WriteLine($"transfer: writing {size:N0} random bytes to {file}");
            await WriteRandomFileAsync(file, size, cancellationToken);
            X509Authority tls = X509Authority.Create();
            bool ok = await StreamAsync(file, secure: null, log, cancellationToken);
            ok &= await TransferAsync(file, secure: null, log, cancellationToken);
            ok &= await StreamAsync(file, tls, log, cancellationToken);
            ok &= await TransferAsync(file, tls, log, cancellationToken);
            log.WriteLine(ok ? "transfer: done, both copies intact" : "transfer: FAILED");
            return ok ? 0 : 1;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Sends the file as the stream argument of one <see cref="UploadFile"/> call.</summary>
    private static async Task<bool> StreamAsync(string file, X509Authority? secure, TextWriter log, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        var (sender, receiver) = await ConnectAsync(listener, secure, log, cancellationToken);
        await using (sender)
        await using (receiver)
        {
            byte[] digest = await HashAsync(file, cancellationToken);
            log.WriteLine($"sender: streaming {Path.GetFileName(file)} ({new FileInfo(file).Length:N0} bytes) as a stream argument{(secure is null ? "" : " inside TLS")}");
            long started = Stopwatch.GetTimestamp();
            UploadFileResult result;
            await using (FileStream source = File.OpenRead(file))
            {
                result = await sender.CallRemoteAsync(new UploadFile { Name = Path.GetFileName(file), Data = source }, cancellationToken);
            }

            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            bool intact = result.Sha256.AsSpan().SequenceEqual(digest);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"sender: {(intact ? "receiver confirmed the SHA-256" : "receiver's SHA-256 DIFFERS")}; {result.Size / 1e6:F1} MB in {seconds:F2} s = {result.Size / 1e6 / seconds:F1} MB/s streamed over {sender.Layers}"));
            return intact;
        }
    }

    private static async Task<(AmpConnection Sender, AmpConnection Receiver)> ConnectAsync(SocketListener listener, X509Authority? secure, TextWriter log, CancellationToken cancellationToken)
    {
        Task<AmpTransport> accepting = listener.AcceptAsync(cancellationToken).AsTask();
        AmpConnection sender = AmpConnection.Start(await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port, cancellationToken: cancellationToken));
        AmpResponders receiving = new AmpResponders().AddFileReceiver(log).AddStreamedFileReceiver(log);
        if (secure is not null)
        {
            receiving.AddStartTls(secure.ServerOptions);
        }

        AmpConnection receiver = AmpConnection.Start(await accepting, new AmpConnectionOptions { Responders = receiving });
        if (secure is not null)
        {
            TlsConnectionInfo info = await sender.StartTlsAsync(secure.ClientOptions, cancellationToken);
            log.WriteLine($"sender: {info}");
        }

        return (sender, receiver);
    }

    private static async Task<byte[]> HashAsync(string file, CancellationToken cancellationToken)
    {
        await using FileStream source = File.OpenRead(file);
        return await SHA256.HashDataAsync(source, cancellationToken);
    }

    /// <summary>Agrees on the transfer with <see cref="SendFile"/>, then sends the file as raw bytes after the protocol switch.</summary>
    private static async Task<bool> TransferAsync(string file, X509Authority? secure, TextWriter log, CancellationToken cancellationToken)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        var (sender, receiver) = await ConnectAsync(listener, secure, log, cancellationToken);
        await using (sender)
        await using (receiver)
        {
            return await SwitchAndSendAsync(sender, file, secure, log, cancellationToken);
        }
    }

    private static async Task<bool> SwitchAndSendAsync(AmpConnection sender, string file, X509Authority? secure, TextWriter log, CancellationToken cancellationToken)
    {
        byte[] digest = await HashAsync(file, cancellationToken);

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
            $"sender: {(intact ? "receiver confirmed the SHA-256" : "receiver's SHA-256 DIFFERS")}; {offer.Size / 1e6:F1} MB in {seconds:F2} s = {offer.Size / 1e6 / seconds:F1} MB/s switched to raw bytes over {raw.Layers}"));
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
