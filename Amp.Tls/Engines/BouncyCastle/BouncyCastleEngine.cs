using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Amp.Tls.Engines.BouncyCastle;

/// <summary>
/// BouncyCastle's TLS (package BouncyCastle.Cryptography) in its non-blocking mode: the protocol is offered
/// whole records read asynchronously from the pipe below and queues the records it wants sent, so no thread
/// waits on I/O. Its callbacks decide on the peer with the same <see cref="PeerVerdict"/> as the platform's
/// engine, and it adds pre-shared keys, which the platform's engine cannot do.
/// </summary>
internal sealed class BouncyCastleEngine : ITlsEngine
{
    public static readonly BouncyCastleEngine Instance = new();

    // One crypto provider for every handshake: it holds only the random source, which is thread-safe.
    private static readonly BcTlsCrypto s_crypto = new();

    private BouncyCastleEngine()
    {
    }

    public async Task<ITlsSession> HandshakeAsync(TlsRecordStream records, TlsLayerOptions options, bool isClient, int depth, PeerVerdict verdict, CancellationToken cancellationToken)
    {
        BcCredentials? credentials = options.LocalCertificate is { } certificate ? BcCredentials.From(certificate, s_crypto) : null;
        TlsProtocol protocol;
        BcOutcome outcome;
        Action<TlsProtocol> begin;
        if (isClient)
        {
            var client = new BcClient(s_crypto, options, verdict, credentials);
            (protocol, outcome, begin) = (new BcClientProtocol(), client.Outcome, p => ((TlsClientProtocol)p).Connect(client));
        }
        else
        {
            var server = new BcServer(s_crypto, options, verdict, credentials);
            (protocol, outcome, begin) = (new BcServerProtocol(), server.Outcome, p => ((TlsServerProtocol)p).Accept(server));
        }

        var io = new BcRecordIo(protocol, records);
        await io.RunAsync(begin, cancellationToken).ConfigureAwait(false);
        while (!outcome.Completed)
        {
            if (!await io.ReadRecordAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException("The peer closed the connection during the TLS handshake.");
            }
        }

        return new BcSession(protocol, io, outcome.ToInfo(isClient, depth));
    }

    public bool TryGetReceivedAlert(Exception error, out int alert)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is TlsFatalAlertReceived received)
            {
                alert = received.AlertDescription;
                return true;
            }
        }

        alert = 0;
        return false;
    }
}
