using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Amp.Tls;

namespace Amp.Samples.LineTls;

/// <summary>
/// <c>line-tls-demo</c>: the line protocol's server and client in one process over loopback TCP, with
/// certificates from an in-memory development CA. Plaintext, STARTTLS, TLS inside TLS, STOPTLS twice
/// (the second with the next command written right behind the client's close_notify), plaintext again, QUIT.
/// </summary>
public static class LineTlsDemo
{
    /// <summary>Runs the demo, printing each step.</summary>
    /// <param name="output">Where the transcript goes.</param>
    /// <param name="cancellationToken">Stops the demo.</param>
    /// <returns>0 when every reply was the expected one, 1 otherwise.</returns>
    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        output = TextWriter.Synchronized(output);   // the server and the client print from their own tasks
        using X509Certificate2 authority = DevelopmentCertificates.CreateAuthority("Amp.NET line-tls demo CA");
        using X509Certificate2 serverCertificate = DevelopmentCertificates.Issue(authority, "line-tls-server");
        using X509Certificate2 clientCertificate = DevelopmentCertificates.Issue(authority, "line-tls-client");
        // Each side trusts only the demo CA; the server requires a client certificate from it.
        TlsLayerOptions serverTls = TlsLayerOptions.PinnedTo(authority, serverCertificate);
        TlsLayerOptions clientTls = TlsLayerOptions.PinnedTo(authority, clientCertificate) with { TargetHost = "localhost" };

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endPoint = (IPEndPoint)listener.LocalEndpoint;
        output.WriteLine($"line-tls-demo: server listening on {endPoint}");
        Task serving = ServeOneAsync(listener, new LineTlsServer(serverTls, output), cancellationToken);

        using var socket = new TcpClient();
        await socket.ConnectAsync(endPoint, cancellationToken);
        await using NetworkStream stream = socket.GetStream();
        IDuplexPipe connection = Pipes(stream);
        int failures = 0;
        await using (var client = new LineTlsClient(connection))
        {
            void Check(string step, string actual, string expected)
            {
                bool ok = actual == expected;
                failures += ok ? 0 : 1;
                output.WriteLine($"  {(ok ? "ok  " : "FAIL")} {step}: {actual}{(ok ? string.Empty : $" (expected {expected})")}");
            }

            Check("plaintext ECHO", await client.CallAsync("ECHO hello in plaintext", cancellationToken), "hello in plaintext");

            TlsConnectionInfo outer = await client.StartTlsAsync(clientTls, cancellationToken);
            output.WriteLine($"  ok   STARTTLS: {outer}");
            Check("ECHO inside TLS", await client.CallAsync("ECHO hello inside TLS", cancellationToken), "hello inside TLS");

            TlsConnectionInfo inner = await client.StartTlsAsync(clientTls, cancellationToken);
            output.WriteLine($"  ok   STARTTLS again: {inner}");
            Check("LAYERS", await client.CallAsync("LAYERS", cancellationToken), "LAYERS 2");
            Check("ECHO inside TLS inside TLS", await client.CallAsync("ECHO hello two layers deep", cancellationToken), "hello two layers deep");

            await client.StopTlsAsync(commandRightBehindCloseNotify: null, cancellationToken);
            output.WriteLine("  ok   STOPTLS: back in the outer TLS layer");
            Check("LAYERS", await client.CallAsync("LAYERS", cancellationToken), "LAYERS 1");

            // The next command is written in plaintext right behind our close_notify, before the server's arrives.
            await client.StopTlsAsync(commandRightBehindCloseNotify: "ECHO hello in plaintext again", cancellationToken);
            output.WriteLine("  ok   STOPTLS: back to plaintext");
            Check("plaintext ECHO sent right behind close_notify", await client.ReadReplyAsync(cancellationToken), "hello in plaintext again");
            Check("LAYERS", await client.CallAsync("LAYERS", cancellationToken), "LAYERS 0");
            Check("QUIT", await client.CallAsync("QUIT", cancellationToken), "BYE");
        }

        await connection.Output.CompleteAsync();
        await connection.Input.CompleteAsync();
        await serving;
        output.WriteLine(failures == 0 ? "line-tls-demo: every step as expected" : $"line-tls-demo: {failures} step(s) FAILED");
        return failures == 0 ? 0 : 1;
    }

    private static async Task ServeOneAsync(TcpListener listener, LineTlsServer server, CancellationToken cancellationToken)
    {
        using TcpClient accepted = await listener.AcceptTcpClientAsync(cancellationToken);
        await using NetworkStream stream = accepted.GetStream();
        IDuplexPipe connection = Pipes(stream);
        await server.ServeAsync(connection, cancellationToken);
        await connection.Output.CompleteAsync();
        await connection.Input.CompleteAsync();
    }

    /// <summary>The stream as a pipe: each layer then reads exactly its own bytes, and whatever follows stays buffered here.</summary>
    private static DuplexPipe Pipes(Stream stream) => new(
        PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
        PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
