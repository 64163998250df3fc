using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Amp.Tests.Tls;

/// <summary>
/// <c>openssl s_server</c> or <c>s_client</c> with a pre-shared key (<c>-psk</c>, <c>-psk_identity</c>,
/// <c>-nocert</c> for the server), as a child process: what it receives inside TLS it prints on its standard
/// output, and what is written to its standard input it sends. Killed when disposed. Missing OpenSSL fails
/// the test, as missing Twisted does.
/// </summary>
internal sealed class OpenSslPskPeer : IAsyncDisposable
{
    public const string OpenSsl = "/usr/bin/openssl";

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];
    private int _streamsEnded;

    private OpenSslPskPeer(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Received(e.Data);
        _process.ErrorDataReceived += (_, e) => Received(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The server's port (0 for a client).</summary>
    public int Port { get; private set; }

    /// <summary>Everything the process printed so far, for failure messages.</summary>
    public string Transcript
    {
        get
        {
            lock (_seen)
            {
                return string.Join('\n', _seen);
            }
        }
    }

    /// <summary>
    /// The TLS options of <c>openssl</c> for a version and a cipher: <c>-tls1_3 -ciphersuites X</c> or
    /// <c>-tls1_2 -cipher X</c> (for example <c>PSK-AES128-GCM-SHA256</c>).
    /// </summary>
    public static string[] VersionArguments(string version, string cipher) =>
        version == "1.3" ? ["-tls1_3", "-ciphersuites", cipher] : ["-tls1_2", "-cipher", cipher];

    /// <summary>Starts <c>s_server</c> on a free loopback port, with no certificate, expecting <paramref name="identity"/>.</summary>
    public static async Task<OpenSslPskPeer> StartServerAsync(string identity, byte[] key, string[] versionArguments, CancellationToken cancellationToken)
    {
        var peer = new OpenSslPskPeer(Start(["s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-nocert",
            "-psk_identity", identity, "-psk", Convert.ToHexString(key), .. versionArguments]));
        string accept = await peer.WaitForLineAsync("ACCEPT ", cancellationToken);
        peer.Port = int.Parse(accept.AsSpan(accept.LastIndexOf(':') + 1), CultureInfo.InvariantCulture);
        return peer;
    }

    /// <summary>Starts <c>s_client</c> connecting to <paramref name="port"/> with <paramref name="identity"/> and <paramref name="key"/>.</summary>
    public static OpenSslPskPeer StartClient(int port, string identity, byte[] key, string[] versionArguments) =>
        new(Start(["s_client", "-connect", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "-quiet",
            "-psk_identity", identity, "-psk", Convert.ToHexString(key), .. versionArguments]));

    /// <summary>Sends a line inside TLS (written to the process's standard input).</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for a printed line that contains <paramref name="text"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (string line in _lines.Reader.ReadAllAsync(cancellationToken))
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"openssl never printed '{text}'. It printed:\n{Transcript}");
        }

        Assert.Fail($"openssl ended without printing '{text}'. It printed:\n{Transcript}");
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }

    private static Process Start(string[] arguments)
    {
        if (!File.Exists(OpenSsl))
        {
            Assert.Fail($"These tests need {OpenSsl} (apt-get install -y openssl); .ci/run installs it.");
        }

        var info = new ProcessStartInfo(OpenSsl)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            if (Interlocked.Increment(ref _streamsEnded) == 2)
            {
                _lines.Writer.TryComplete();
            }

            return;
        }

        lock (_seen)
        {
            _seen.Add(line);
        }

        _lines.Writer.TryWrite(line);
    }
}
