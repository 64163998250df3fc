using System.IO.Pipelines;

namespace Amp.Tls;

/// <summary>
/// A pipe over a <see cref="Stream"/>, for <see cref="TlsLayer.StartAsync(Stream, TlsLayerOptions, TlsRole, CancellationToken)"/>.
/// Its reader may read ahead of what the TLS layer takes; the bytes it holds stay in it, so after a pop
/// the plaintext that followed the peer's close_notify is read from this pipe, not from the stream.
/// Completing it leaves the stream open.
/// </summary>
internal sealed class StreamDuplexPipe : IDuplexPipe
{
    public StreamDuplexPipe(Stream stream)
    {
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public async ValueTask CompleteAsync()
    {
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);
    }
}
