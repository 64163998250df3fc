namespace Amp.Transports;

/// <summary>Settings for <see cref="ChildProcessTransport.Start(System.Diagnostics.ProcessStartInfo, ChildProcessTransportOptions?)"/>.</summary>
public sealed class ChildProcessTransportOptions
{
    private TimeSpan _exitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Receives each line the child writes to its standard error. <see langword="null"/> (the default)
    /// leaves standard error inherited: the child writes straight to this process's standard error.
    /// The callback runs on a thread-pool thread and must not throw.
    /// </summary>
    public Action<string>? StandardErrorLine { get; init; }

    /// <summary>
    /// How long <see cref="ChildProcessTransport.DisposeAsync"/> waits for the child to exit after
    /// closing its standard input, before killing its process tree. Default 5 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ExitTimeout
    {
        get => _exitTimeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _exitTimeout = value;
        }
    }

    /// <summary>
    /// Buffer settings for the standard-stream pipes; <see langword="null"/> for the defaults. Their
    /// <see cref="StreamTransportOptions.LeaveOpen"/> and <see cref="StreamTransportOptions.Description"/> are ignored:
    /// the transport owns the child's streams.
    /// </summary>
    public StreamTransportOptions? StreamOptions { get; init; }
}
