using System.Diagnostics;
using System.Text;

namespace Amp.Tests.Interop;

/// <summary>A twisted_peer.py server on a free loopback port, stopped by closing its stdin.</summary>
internal sealed class TwistedServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private TwistedServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public static async Task<TwistedServer> StartAsync(CancellationToken cancellationToken, params string[] extraArguments)
    {
        TwistedPeer.RequireTwisted();
        var process = Process.Start(TwistedPeer.StartInfo(["server", "--port", "0", .. extraArguments]))!;
        string? line = await process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            string errors = await process.StandardError.ReadToEndAsync(cancellationToken);
            process.Kill(entireProcessTree: true);
            Assert.Fail($"twisted_peer.py server did not start: {line}\n{errors}");
        }

        var server = new TwistedServer(process, int.Parse(line!.AsSpan(5), provider: System.Globalization.CultureInfo.InvariantCulture));
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (server._errors)
                {
                    server._errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
