using System.Net.Sockets;
using Amp.Negotiation;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Samples.Chat;

/// <summary>
/// How a chat client gets a connection over TLS: to the AMP listener, then StartTLS (chat-server, chat-host); or, with
/// <c>--via</c>, through a web port's connection negotiation, whose TLS comes first (chat-host's web port).
/// </summary>
internal static class ChatConnecting
{
    /// <summary>Connects and secures; prints the TLS it got. Null, with the exit code, when it could not (it said why).</summary>
    public static async Task<(AmpConnection? Connection, int ExitCode)> ConnectAsync(
        ChatArguments arguments, ChatCertificates certificates, AmpResponders responders, TextWriter output, CancellationToken cancellationToken)
    {
        var tls = new TlsLayerOptions
        {
            LocalCertificate = certificates.Local,
            TrustedAuthorities = [certificates.Authority],
            TargetHost = arguments.ServerName ?? (certificates.IsDevelopment ? "localhost" : arguments.Via?.Host ?? arguments.Host),
        };
        var options = new AmpConnectionOptions { Responders = responders };
        return arguments.Via is { } via
            ? await NegotiateAsync(via, tls, options, output, cancellationToken)
            : await StartTlsAsync(arguments, tls, options, output, cancellationToken);
    }

    private static async Task<(AmpConnection?, int)> StartTlsAsync(ChatArguments arguments, TlsLayerOptions tls, AmpConnectionOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        AmpTransport transport;
        try
        {
            transport = await SocketTransport.ConnectTcpAsync(arguments.Host, arguments.Port, cancellationToken: cancellationToken);
        }
        catch (SocketException e)
        {
            output.WriteLine($"* cannot reach the server at {arguments.Host}:{arguments.Port} ({e.SocketErrorCode})");
            return (null, ChatClient.LostServer);
        }

        AmpConnection connection = AmpConnection.Start(transport, options);
        try
        {
            Report(await connection.StartTlsAsync(tls, cancellationToken), connection, output);
            return (connection, 0);
        }
        catch (Exception e) when (e is AmpTlsException or AmpConnectionLostException or OperationCanceledException)
        {
            await connection.DisposeAsync();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            output.WriteLine(e switch
            {
                AmpTlsException tlsFailure => $"* no TLS with the server ({tlsFailure.Failure}): {e.Message}",
                AmpConnectionLostException lost => $"* lost the server: {lost.Message} ({lost.Reason})",
                _ => "* the server did not answer in time; leaving",
            });
            return (null, ChatClient.LostServer);
        }
    }

    private static async Task<(AmpConnection?, int)> NegotiateAsync(NegotiationAddress via, TlsLayerOptions tls, AmpConnectionOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            AmpNegotiationResult negotiated = await new AmpNegotiator(new NegotiationOptions { ConnectionOptions = options }).ConnectAsync(via, tls, cancellationToken);
            output.WriteLine($"* negotiated with {via} (target {negotiated.Target}, extensions {negotiated.Decision.Extensions})");
            Report(negotiated.Tls, negotiated.Connection, output);
            return (negotiated.Connection, 0);
        }
        catch (AmpNegotiationException e)
        {
            output.WriteLine($"* cannot negotiate with {via} ({e.Failure}): {e.Message}");
            return (null, ChatClient.LostServer);
        }
    }

    private static void Report(TlsConnectionInfo tls, AmpConnection connection, TextWriter output)
    {
        output.WriteLine($"* TLS: {tls.Protocol}, {tls.CipherSuite}; server certificate {tls.PeerCertificate?.Subject}, issued by {tls.PeerCertificate?.Issuer}");
        output.WriteLine($"* layers: {connection.Layers}");
    }
}
