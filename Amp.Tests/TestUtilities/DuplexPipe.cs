using System.IO.Pipelines;

namespace Amp.Tests.TestUtilities;

/// <summary>A reader and a writer seen as one <see cref="IDuplexPipe"/>.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    /// <summary>Reads from <paramref name="input"/>, writes to <paramref name="output"/>.</summary>
    public DuplexPipe(Pipe input, Pipe output)
        : this(input.Reader, output.Writer)
    {
    }

    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
