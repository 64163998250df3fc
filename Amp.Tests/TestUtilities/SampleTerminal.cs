using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Amp.Tests.TestUtilities;

/// <summary>
/// A sample process driven as a person at a terminal would: lines typed into its standard input, what
/// it prints waited for, Ctrl+C, end of input, or the process killed outright.
/// </summary>
internal sealed class SampleTerminal : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Regex Pattern, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly Process _process;
    private readonly StringBuilder _transcript;
    private readonly string _label;

    private SampleTerminal(string label, Process process, StringBuilder transcript)
    {
        _label = label;
        _process = process;
        _transcript = transcript;
    }

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the sample with <paramref name="arguments"/>; every line it prints goes to <paramref name="transcript"/> under <paramref name="label"/>.</summary>
    public static SampleTerminal Start(string label, StringBuilder transcript, params string[] arguments)
    {
        ProcessStartInfo info = AsForegroundJob(SampleProcess.StartInfo(arguments));
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.StandardInputEncoding = new UTF8Encoding(false);
        info.StandardOutputEncoding = Encoding.UTF8;
        var terminal = new SampleTerminal(label, Process.Start(info)!, transcript);
        terminal._process.OutputDataReceived += (_, e) => terminal.Received(e.Data);
        terminal._process.ErrorDataReceived += (_, e) => terminal.Received(e.Data is null ? null : "(stderr) " + e.Data);
        terminal._process.BeginOutputReadLine();
        terminal._process.BeginErrorReadLine();
        return terminal;
    }

    /// <summary>Waits for a printed line (already printed or to come) containing <paramref name="text"/>; returns it.</summary>
    public Task<string> WaitForAsync(string text) => WaitForAsync(new Regex(Regex.Escape(text), RegexOptions.CultureInvariant));

    /// <summary>Waits for a printed line (already printed or to come) matching <paramref name="pattern"/>; returns it.</summary>
    public async Task<string> WaitForAsync(Regex pattern)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (string line in _lines)
            {
                if (pattern.IsMatch(line))
                {
                    return line;
                }
            }

            _waiters.Add((pattern, seen));
        }

        try
        {
            return await seen.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{_label} did not print a line matching \"{pattern}\" within {Patience.TotalSeconds:0} s. Transcript:\n{Transcript()}");
            throw;
        }
    }

    /// <summary>True when a line containing <paramref name="text"/> was printed.</summary>
    public bool HasPrinted(string text)
    {
        lock (_gate)
        {
            return _lines.Exists(line => line.Contains(text, StringComparison.Ordinal));
        }
    }

    public async Task TypeAsync(string line)
    {
        Append($"{_label} > {line}");
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes standard input, as Ctrl+D at a terminal does.</summary>
    public void EndInput()
    {
        Append($"{_label} > (end of input)");
        _process.StandardInput.Close();
    }

    /// <summary>Sends SIGINT, as Ctrl+C at a terminal does.</summary>
    public async Task InterruptAsync()
    {
        Append($"{_label} > (Ctrl+C)");
        Assert.That(IgnoresSigInt(_process.Id), Is.False, $"{_label} ignores SIGINT: Ctrl+C cannot reach it");
        using Process kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.Zero, "kill -INT failed");
    }

    /// <summary>Sends SIGTERM, as a service manager or <c>kill</c> does to stop a process.</summary>
    public async Task TerminateAsync()
    {
        Append($"{_label} > (SIGTERM)");
        using Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.Zero, "kill -TERM failed");
    }

    /// <summary>Kills the process outright (SIGKILL): no goodbye, no closing handshake.</summary>
    public void Kill()
    {
        Append($"{_label} (killed)");
        _process.Kill(entireProcessTree: true);
    }

    /// <summary>Waits for the process to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{_label} did not exit within {Patience.TotalSeconds:0} s. Transcript:\n{Transcript()}");
        }

        _process.WaitForExit();   // lets the last asynchronous output lines arrive
        return _process.ExitCode;
    }

    public string Transcript()
    {
        lock (_transcript)
        {
            return _transcript.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>
    /// Starts the sample as a shell starts the job at a terminal: with Ctrl+C's default action. A process
    /// inherits ignored signals, and a shell without job control starts every background job with SIGINT
    /// and SIGQUIT ignored (as in <c>dotnet test &amp;</c> from a script); .NET then respects the ignored
    /// SIGINT and never raises <see cref="Console.CancelKeyPress"/>, so <see cref="InterruptAsync"/> would reach nothing.
    /// </summary>
    private static ProcessStartInfo AsForegroundJob(ProcessStartInfo sample)
    {
        // env resets the two signals, then execs the sample: the process id is the sample's, for kill and Kill.
        var info = new ProcessStartInfo("env") { UseShellExecute = false };
        info.ArgumentList.Add("--default-signal=INT,QUIT");
        info.ArgumentList.Add(sample.FileName);
        foreach (string argument in sample.ArgumentList)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Whether the process ignores SIGINT (signal 2: bit 1 of the SigIgn mask in <c>/proc/PID/status</c>).</summary>
    private static bool IgnoresSigInt(int processId)
    {
        foreach (string line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
            {
                ulong ignored = ulong.Parse(line.AsSpan("SigIgn:".Length).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                return (ignored & (1UL << 1)) != 0;
            }
        }

        return false;
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        Append($"{_label} {line}");
        lock (_gate)
        {
            _lines.Add(line);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Pattern.IsMatch(line))
                {
                    _waiters[i].Seen.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private void Append(string line)
    {
        lock (_transcript)
        {
            _transcript.AppendLine(line);
        }
    }
}
