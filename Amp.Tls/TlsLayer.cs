using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using Amp.Layers;

namespace Amp.Tls;

/// <summary>
/// A TLS layer over the pipe below it: an <see cref="SslStream"/> over a record-at-a-time view of that
/// pipe, re-exposed as a pipe for the layer above.
/// </summary>
internal sealed class TlsLayer : AmpLayer
{
    private readonly SslStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private int _disposed;

    private TlsLayer(SslStream stream, TlsConnectionInfo info)
    {
        _stream = stream;
        Info = info;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public TlsConnectionInfo Info { get; }

    public override PipeReader Input => _input;

    public override PipeWriter Output => _output;

    public override string Name => $"tls({TlsText.Version(Info.Protocol)})";

    /// <summary>Runs the handshake over <paramref name="below"/> and returns the layer.</summary>
    /// <exception cref="AmpTlsException">The handshake failed; the message names the cause.</exception>
    public static async Task<TlsLayer> StartAsync(IDuplexPipe below, TlsLayerOptions options, bool isClient, int depth, CancellationToken cancellationToken)
    {
        if (!isClient && options.LocalCertificate is null)
        {
            throw new AmpTlsException(TlsFailure.InvalidOptions, "The TLS server side needs a certificate (TlsLayerOptions.LocalCertificate).");
        }

        var verdict = new PeerVerdict();
        var stream = new SslStream(new TlsRecordStream(below), leaveInnerStreamOpen: true);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        try
        {
            if (isClient)
            {
                await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = options.TargetHost ?? string.Empty,
                    ClientCertificates = options.LocalCertificate is { } certificate ? [certificate] : null,
                    EnabledSslProtocols = options.EnabledProtocols,
                    RemoteCertificateValidationCallback = (_, peer, _, errors) => verdict.Decide(options, isClient: true, peer, errors),
                    CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                }, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await stream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = options.LocalCertificate,
                    ClientCertificateRequired = options.RequireClientCertificate || options.TrustedAuthorities.Count > 0,
                    EnabledSslProtocols = options.EnabledProtocols,
                    RemoteCertificateValidationCallback = (_, peer, _, errors) => verdict.Decide(options, isClient: false, peer, errors),
                    CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                }, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw Classify(e, verdict, options, cancellationToken);
        }

        return new TlsLayer(stream, new TlsConnectionInfo(stream, isClient, depth));
    }

    /// <summary>Sends close_notify; the peer's close_notify later ends <see cref="Input"/>.</summary>
    public override async ValueTask CloseWritingAsync(CancellationToken cancellationToken)
    {
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _stream.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _output.CompleteAsync().ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private static AmpTlsException Classify(Exception error, PeerVerdict verdict, TlsLayerOptions options, CancellationToken cancellationToken)
    {
        if (verdict.Failure is { } failure)
        {
            return new AmpTlsException(failure, verdict.Reason!, error);
        }

        if (error is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new AmpTlsException(TlsFailure.HandshakeTimedOut, $"The TLS handshake did not finish within {options.HandshakeTimeout.TotalSeconds:0.###} s.", error);
        }

        if (error is IOException or AuthenticationException && IsPeerClose(error))
        {
            return new AmpTlsException(TlsFailure.PeerClosed,
                "The peer closed the connection during the TLS handshake (it may have rejected our certificate): " + error.Message, error);
        }

        return new AmpTlsException(TlsFailure.HandshakeFailed, "The TLS handshake failed: " + error.Message, error);
    }

    private static bool IsPeerClose(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains("EOF", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("closed", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("0 bytes", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
