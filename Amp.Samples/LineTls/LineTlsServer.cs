using System.Globalization;
using System.IO.Pipelines;
using Amp.Tls;

namespace Amp.Samples.LineTls;

/// <summary>
/// The server of a tiny line protocol, in the style of SMTP's or IMAP's STARTTLS, built on
/// <see cref="TlsLayer"/> only (no AMP): <c>ECHO text</c> answers <c>text</c>; <c>STARTTLS</c> answers
/// <c>OK</c>, then both sides push a TLS layer (again: TLS inside TLS); <c>STOPTLS</c> answers <c>OK</c>
/// inside the top layer, then both sides pop it with nothing lost; <c>LAYERS</c> answers <c>LAYERS n</c>;
/// <c>QUIT</c> answers <c>BYE</c> and ends. Anything else answers <c>ERR ...</c>.
/// </summary>
public sealed class LineTlsServer(TlsLayerOptions tls, TextWriter log)
{
    /// <summary>Serves one connection until QUIT or its end; pops every TLS layer left before returning.</summary>
    /// <param name="connection">The plaintext connection: a socket's pipes, an in-memory pair, anything.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    /// <returns>A task that completes when the connection is done.</returns>
    public async Task ServeAsync(IDuplexPipe connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var layers = new Stack<TlsLayer>();
        IDuplexPipe Top() => layers.Count == 0 ? connection : layers.Peek();
        try
        {
            while (await LineText.ReadLineAsync(Top().Input, cancellationToken) is { } line)
            {
                (string command, string argument) = Split(line);
                switch (command)
                {
                    case "ECHO":
                        await ReplyAsync(Top(), argument, cancellationToken);
                        break;
                    case "STARTTLS":
                        await ReplyAsync(Top(), "OK", cancellationToken);
                        TlsLayer pushed = await TlsLayer.StartAsync(Top(), tls, TlsRole.Server, cancellationToken);
                        layers.Push(pushed);
                        log.WriteLine($"server: pushed {pushed.Name}, depth {layers.Count}, client certificate {pushed.Info.PeerCertificate?.Subject}");
                        break;
                    case "STOPTLS" when layers.Count == 0:
                        await ReplyAsync(Top(), "ERR no TLS layer to stop", cancellationToken);
                        break;
                    case "STOPTLS":
                        // The answer goes inside the layer being stopped; StopAsync then sends close_notify right
                        // behind it and reads until the client's close_notify.
                        await ReplyAsync(Top(), "OK", cancellationToken);
                        await layers.Pop().StopAsync(cancellationToken);
                        log.WriteLine($"server: popped a TLS layer, depth {layers.Count}");
                        break;
                    case "LAYERS":
                        await ReplyAsync(Top(), "LAYERS " + layers.Count.ToString(CultureInfo.InvariantCulture), cancellationToken);
                        break;
                    case "QUIT":
                        await ReplyAsync(Top(), "BYE", cancellationToken);
                        return;
                    default:
                        await ReplyAsync(Top(), "ERR unknown command", cancellationToken);
                        break;
                }
            }
        }
        finally
        {
            while (layers.Count > 0)
            {
                await layers.Pop().DisposeAsync();
            }
        }
    }

    private static (string Command, string Argument) Split(string line)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (line.ToUpperInvariant(), string.Empty) : (line[..space].ToUpperInvariant(), line[(space + 1)..]);
    }

    private static Task ReplyAsync(IDuplexPipe top, string reply, CancellationToken cancellationToken) =>
        LineText.WriteLineAsync(top.Output, reply, cancellationToken);
}
