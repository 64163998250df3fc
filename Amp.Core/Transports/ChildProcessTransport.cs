using System.Diagnostics;
using System.IO.Pipelines;

namespace Amp.Transports;

/// <summary>
/// The parent's side of a connection to a child process over the child's standard streams: the
/// transport writes to the child's standard input and reads its standard output.
/// </summary>
/// <remarks>
/// Completing <see cref="Output"/> closes the child's standard input (it reads end of file);
/// <see cref="Input"/> completes when the child closes its standard output, usually by exiting.
/// The child's side is <see cref="StandardStreamsTransport.Create"/>.
/// </remarks>
public sealed class ChildProcessTransport : AmpTransport
{
    private static readonly TimeSpan KillWaitTimeout = TimeSpan.FromSeconds(10);

    private readonly StreamTransport _streams;
    private readonly Stream _standardInput;
    private readonly TimeSpan _exitTimeout;
    private readonly object _disposeLock = new();
    private Task? _disposeTask;

    private ChildProcessTransport(Process process, ChildProcessTransportOptions options)
    {
        Process = process;
        ProcessId = process.Id;
        _exitTimeout = options.ExitTimeout;
        _standardInput = process.StandardInput.BaseStream;
        StreamTransportOptions streamOptions = (options.StreamOptions ?? new StreamTransportOptions()) with
        {
            LeaveOpen = false,
            Description = $"process {ProcessId} {Path.GetFileName(process.StartInfo.FileName)} stdio",
        };
        _streams = new StreamTransport(process.StandardOutput.BaseStream, _standardInput, AmpTransportRole.Initiator, streamOptions);
        ExitCode = WaitForExitCodeAsync(process);
    }

    /// <inheritdoc/>
    public override PipeReader Input => _streams.Input;

    /// <inheritdoc/>
    public override PipeWriter Output => _streams.Output;

    /// <summary>Always <see cref="AmpTransportRole.Initiator"/>: the parent started the byte stream.</summary>
    public override AmpTransportRole Role => AmpTransportRole.Initiator;

    /// <summary>A description such as <c>process 1234 cat stdio</c>.</summary>
    public override string Description => _streams.Description;

    /// <summary>The child process. Disposed by <see cref="DisposeAsync"/>.</summary>
    public Process Process { get; }

    /// <summary>The child's process id.</summary>
    public int ProcessId { get; }

    /// <summary>Completes with the child's exit code when it exits.</summary>
    public Task<int> ExitCode { get; }

    /// <summary>
    /// Starts a child process with its standard input and output redirected to the transport.
    /// <paramref name="startInfo"/> is changed to redirect them (and standard error, if
    /// <see cref="ChildProcessTransportOptions.StandardErrorLine"/> is set) and to not use the shell.
    /// </summary>
    /// <param name="startInfo">What to run.</param>
    /// <param name="options">Standard error handling and exit timeout; <see langword="null"/> for the defaults.</param>
    /// <returns>A transport connected to the running child.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="startInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
    public static ChildProcessTransport Start(ProcessStartInfo startInfo, ChildProcessTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        options ??= new ChildProcessTransportOptions();
        startInfo.UseShellExecute = false;
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        Action<string>? errorLine = options.StandardErrorLine;
        startInfo.RedirectStandardError = errorLine is not null;

        var process = new Process { StartInfo = startInfo };
        if (errorLine is not null)
        {
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    errorLine(e.Data);
                }
            };
        }

        try
        {
            process.Start();
            if (errorLine is not null)
            {
                process.BeginErrorReadLine();
            }

            return new ChildProcessTransport(process, options);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    /// <summary>Starts a child process with its standard input and output redirected to the transport.</summary>
    /// <param name="fileName">The program to run.</param>
    /// <param name="arguments">Its arguments, passed as they are (no shell quoting).</param>
    /// <param name="options">Standard error handling and exit timeout; <see langword="null"/> for the defaults.</param>
    /// <returns>A transport connected to the running child.</returns>
    /// <exception cref="ArgumentException"><paramref name="fileName"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="arguments"/> is <see langword="null"/>.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
    public static ChildProcessTransport Start(string fileName, IEnumerable<string> arguments, ChildProcessTransportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(arguments);
        var startInfo = new ProcessStartInfo(fileName);
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Start(startInfo, options);
    }

    /// <summary>
    /// Ends the connection and the child: closes the child's standard input (bytes not yet flushed are
    /// dropped), waits up to <see cref="ChildProcessTransportOptions.ExitTimeout"/> for it to exit, kills
    /// its process tree if it has not, then closes its standard output and disposes <see cref="Process"/>.
    /// <see cref="ExitCode"/> is complete afterwards. Safe to call more than once and concurrently.
    /// </summary>
    /// <remarks>Any use of <see cref="Input"/> or <see cref="Output"/> afterwards throws <see cref="InvalidOperationException"/>.</remarks>
    /// <returns>A task that completes when the child has exited and everything is released.</returns>
    /// <exception cref="TimeoutException">The child did not exit even after its process tree was killed.</exception>
    public override ValueTask DisposeAsync()
    {
        lock (_disposeLock)
        {
            _disposeTask ??= DisposeCoreAsync();
            return new ValueTask(_disposeTask);
        }
    }

    private async Task DisposeCoreAsync()
    {
        try
        {
            _streams.Output.CancelPendingFlush();
        }
        catch (ObjectDisposedException)
        {
            // Output was already completed: no flush is pending.
        }

        try
        {
            // Closing the stream directly, not completing Output, so unflushed bytes cannot block the close.
            await _standardInput.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The child closed its end first (broken pipe); it already has its end of file.
        }

        try
        {
            await ExitCode.WaitAsync(_exitTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            KillTree();
            await ExitCode.WaitAsync(KillWaitTimeout).ConfigureAwait(false);
        }
        finally
        {
            await _streams.DisposeAsync().ConfigureAwait(false);
            Process.Dispose();
        }
    }

    private void KillTree()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
    }

    private static async Task<int> WaitForExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }
}
