using System.IO.Pipelines;
using Amp.Tls;

namespace Amp.Samples.LineTls;

/// <summary>The client of the line protocol <see cref="LineTlsServer"/> serves; keeps its own stack of TLS layers.</summary>
public sealed class LineTlsClient(IDuplexPipe connection) : IAsyncDisposable
{
    private readonly Stack<TlsLayer> _layers = new();

    /// <summary>How many TLS layers this side has pushed.</summary>
    public int Depth => _layers.Count;

    private IDuplexPipe Top => _layers.Count == 0 ? connection : _layers.Peek();

    /// <summary>Sends one command line and returns the reply line.</summary>
    /// <exception cref="EndOfStreamException">The server closed the connection instead of answering.</exception>
    public async Task<string> CallAsync(string command, CancellationToken cancellationToken)
    {
        await LineText.WriteLineAsync(Top.Output, command, cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    /// <summary>Sends STARTTLS and, once the server said OK, pushes a TLS layer on top (TLS in TLS when there is one already).</summary>
    /// <returns>What the new layer negotiated.</returns>
    /// <exception cref="InvalidOperationException">The server refused.</exception>
    /// <exception cref="AmpTlsException">The handshake failed.</exception>
    public async Task<TlsConnectionInfo> StartTlsAsync(TlsLayerOptions options, CancellationToken cancellationToken)
    {
        await ExpectOkAsync("STARTTLS", cancellationToken);
        TlsLayer layer = await TlsLayer.StartAsync(Top, options, TlsRole.Client, cancellationToken);
        _layers.Push(layer);
        return layer.Info;
    }

    /// <summary>
    /// Sends STOPTLS and, once the server said OK inside the top layer, pops it. When
    /// <paramref name="commandRightBehindCloseNotify"/> is given, it is written in the layer below right
    /// after our close_notify, before the server's close_notify has even arrived: it must reach the server
    /// intact (call <see cref="ReadReplyAsync"/> for its answer).
    /// </summary>
    /// <exception cref="InvalidOperationException">The server refused.</exception>
    /// <exception cref="AmpTlsException">The layer could not be stopped cleanly.</exception>
    public async Task StopTlsAsync(string? commandRightBehindCloseNotify, CancellationToken cancellationToken)
    {
        await ExpectOkAsync("STOPTLS", cancellationToken);
        TlsLayer layer = _layers.Pop();
        await layer.CloseWritingAsync(cancellationToken);
        if (commandRightBehindCloseNotify is not null)
        {
            await LineText.WriteLineAsync(layer.Below.Output, commandRightBehindCloseNotify, cancellationToken);
        }

        await layer.StopAsync(cancellationToken);
    }

    /// <summary>Reads one reply line from the top of the stack.</summary>
    /// <exception cref="EndOfStreamException">The server closed the connection instead of answering.</exception>
    public async Task<string> ReadReplyAsync(CancellationToken cancellationToken) =>
        await LineText.ReadLineAsync(Top.Input, cancellationToken) ?? throw new EndOfStreamException("The server closed the connection.");

    /// <summary>Releases the TLS layers left (without close_notify); the connection itself is the caller's.</summary>
    /// <returns>A task that completes when they are released.</returns>
    public async ValueTask DisposeAsync()
    {
        while (_layers.Count > 0)
        {
            await _layers.Pop().DisposeAsync();
        }
    }

    private async Task ExpectOkAsync(string command, CancellationToken cancellationToken)
    {
        string reply = await CallAsync(command, cancellationToken);
        if (reply != "OK")
        {
            throw new InvalidOperationException($"The server refused {command}: {reply}");
        }
    }
}
