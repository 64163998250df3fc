using System.Diagnostics;

namespace Amp.Samples.Chat.Demo;

/// <summary>A child process of the chat demo: its output goes to the transcript and can be waited for.</summary>
internal sealed class ChatDemoProcess : IDisposable
{
    private static readonly Lock s_console = new();
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly Process _process;
    private bool _disposed;

    private ChatDemoProcess(string label, Process process)
    {
        Label = label;
        _process = process;
    }

    public string Label { get; }

    public int ExitCode => _process.ExitCode;

    public static ChatDemoProcess Start(string label, params string[] arguments)
    {
        string self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Run by `dotnet Amp.Samples.dll`: the children are too. (Assembly.Location is empty in a single-file or native app.)
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, $"{typeof(ChatDemoProcess).Assembly.GetName().Name}.dll"));
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var child = new ChatDemoProcess(label, Process.Start(info)!);
        child._process.OutputDataReceived += (_, e) => child.Received(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Received(e.Data is null ? null : "(stderr) " + e.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    public static void Print(string label, string line)
    {
        lock (s_console)
        {
            Console.WriteLine($"{label,-9} {line}");
        }
    }

    /// <summary>Waits for an output line containing <paramref name="text"/> (already printed or to come).</summary>
    public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<string, bool> match = line => line.Contains(text, StringComparison.Ordinal);
        lock (_gate)
        {
            if (_lines.Any(match))
            {
                return true;
            }

            _waiters.Add((match, seen));
        }

        try
        {
            await seen.Task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            Print("[demo]", $"!! {Label} did not print \"{text}\" within {timeout.TotalSeconds:0} s");
            return false;
        }
    }

    public bool HasPrinted(string text)
    {
        lock (_gate)
        {
            return _lines.Any(line => line.Contains(text, StringComparison.Ordinal));
        }
    }

    public async Task TypeAsync(string line)
    {
        Print(Label, $"> {line}");
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public void CloseInput()
    {
        Print(Label, "> (end of input)");
        _process.StandardInput.Close();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            Print("[demo]", $"!! {Label} did not exit within {timeout.TotalSeconds:0} s");
            return false;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        Print(Label, line);
        lock (_gate)
        {
            _lines.Add(line);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Seen.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
