using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Amp.Benchmarks.Bulk;

/// <summary>
/// A ceiling: a bare connected pair over loopback TCP, one side writing 16 KiB buffers back to back, the
/// other draining into a <see cref="ReadBufferBytes"/> buffer. Either the sockets themselves or an
/// <see cref="SslStream"/> pair over them (TLS 1.3, mutual certificates from the same CA as the AMP cases).
/// </summary>
internal sealed class PairCeiling : IBulkCase
{
    /// <summary>What the draining side reads into per call.</summary>
    public const int ReadBufferBytes = 64 * 1024;

    private readonly Socket _writerSocket;
    private readonly Socket _readerSocket;
    private readonly Stream? _writerTls;
    private readonly Stream? _readerTls;
    private readonly byte[] _payload;
    private readonly Task _draining;
    private long _received;

    private PairCeiling(string name, Socket writer, Socket reader, SslStream? writerTls, SslStream? readerTls, int writeBytes)
    {
        Name = name;
        _writerSocket = writer;
        _readerSocket = reader;
        _writerTls = writerTls;
        _readerTls = readerTls;
        _payload = new byte[writeBytes];
        _draining = Task.Run(DrainAsync);
    }

    public string Name { get; }

    /// <summary>A plain socket pair.</summary>
    public static async Task<PairCeiling> StartSocketsAsync(int writeBytes)
    {
        (Socket writer, Socket reader) = await ConnectAsync().ConfigureAwait(false);
        return new PairCeiling("socket pair", writer, reader, null, null, writeBytes);
    }

    /// <summary>An <see cref="SslStream"/> pair: the connecting side is the TLS client and writes.</summary>
    public static async Task<PairCeiling> StartTlsAsync(int writeBytes, BulkCertificates certificates)
    {
        (Socket writer, Socket reader) = await ConnectAsync().ConfigureAwait(false);
        var client = new SslStream(new NetworkStream(writer, ownsSocket: false), leaveInnerStreamOpen: false);
        var server = new SslStream(new NetworkStream(reader, ownsSocket: false), leaveInnerStreamOpen: false);
        Task clientHandshake = client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [certificates.Client],
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        });
        await server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificates.Server,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        }).ConfigureAwait(false);
        await clientHandshake.ConfigureAwait(false);
        return new PairCeiling($"SslStream pair ({client.NegotiatedCipherSuite})", writer, reader, client, server, writeBytes);
    }

    public async Task<BulkSample> PushAsync(TimeSpan duration)
    {
        long start = Interlocked.Read(ref _received);
        long sent = 0;
        long started = Stopwatch.GetTimestamp();
        long end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            if (_writerTls is { } tls)
            {
                await tls.WriteAsync(_payload).ConfigureAwait(false);
            }
            else
            {
                int written = 0;
                while (written < _payload.Length)
                {
                    written += await _writerSocket.SendAsync(_payload.AsMemory(written), SocketFlags.None).ConfigureAwait(false);
                }
            }

            sent += _payload.Length;
        }

        // Counted when the writer stops: what is still in the socket buffers then is not part of the figure.
        long taken = Interlocked.Read(ref _received) - start;
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        while (Interlocked.Read(ref _received) - start < sent)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }

        return new BulkSample(taken, seconds);
    }

    public async ValueTask DisposeAsync()
    {
        _writerSocket.Shutdown(SocketShutdown.Send);
        await _draining.ConfigureAwait(false);
        _writerTls?.Dispose();
        _readerTls?.Dispose();
        _writerSocket.Dispose();
        _readerSocket.Dispose();
    }

    private static async Task<(Socket Writer, Socket Reader)> ConnectAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var writer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task<Socket> accepting = listener.AcceptAsync();
        await writer.ConnectAsync(listener.LocalEndPoint!).ConfigureAwait(false);
        Socket reader = await accepting.ConfigureAwait(false);
        reader.NoDelay = true;
        return (writer, reader);
    }

    private async Task DrainAsync()
    {
        byte[] buffer = new byte[ReadBufferBytes];
        try
        {
            while (true)
            {
                int read = _readerTls is { } tls
                    ? await tls.ReadAsync(buffer).ConfigureAwait(false)
                    : await _readerSocket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                Interlocked.Add(ref _received, read);
            }
        }
        catch (IOException)
        {
            // The writing side went away at the end of the run.
        }
    }
}
