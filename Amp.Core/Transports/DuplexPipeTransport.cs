using System.IO.Pipelines;

namespace Amp.Transports;

/// <summary>A transport over any <see cref="IDuplexPipe"/> (for example one from Kestrel or a test).</summary>
public sealed class DuplexPipeTransport : AmpTransport
{
    private readonly IDuplexPipe _pipe;
    private int _disposed;

    /// <summary>Wraps a pipe.</summary>
    /// <param name="pipe">The pipe; completed when the transport is disposed.</param>
    /// <param name="role">Which side of the byte stream this is.</param>
    /// <param name="description">A description for diagnostics.</param>
    public DuplexPipeTransport(IDuplexPipe pipe, AmpTransportRole role = AmpTransportRole.Unspecified, string description = "pipe")
    {
        ArgumentNullException.ThrowIfNull(pipe);
        _pipe = pipe;
        Role = role;
        Description = description;
    }

    /// <inheritdoc/>
    public override PipeReader Input => _pipe.Input;

    /// <inheritdoc/>
    public override PipeWriter Output => _pipe.Output;

    /// <inheritdoc/>
    public override AmpTransportRole Role { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        await _pipe.Input.CompleteAsync().ConfigureAwait(false);
    }
}
