using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Amp.Tests.Interop;
using Amp.Tls;

namespace Amp.Tests.Tls;

/// <summary>
/// A TLS peer that verifies certificates inside OpenSSL, as Twisted (pyOpenSSL) and most non-.NET peers
/// do, so that it sends a real alert (<c>unknown_ca</c>, <c>certificate_required</c>) when it refuses our
/// certificate: Python's <c>ssl</c> module in a child process. A .NET peer never sends one (it verifies
/// after OpenSSL's handshake and just closes). Missing Python fails the test, as the Twisted tests do.
/// </summary>
internal sealed class OpenSslPeer : IAsyncDisposable
{
    // argv: role (server|client), port (client only), max TLS version (1.2|1.3), own cert or "-", own key or "-", trusted CA file or "-".
    // The server prints its port, accepts one connection, runs the handshake, reads until EOF and closes.
    // The client connects, runs the handshake (check_hostname off: only the chain is checked) and closes.
    // After a failed handshake either one sends its alert, then closes its writing side and reads until EOF.
    private const string Script = """
        import socket, ssl, sys
        role, port, version, cert, key, ca = sys.argv[1:7]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if role == "server" else ssl.PROTOCOL_TLS_CLIENT)
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
        if cert != "-":
            ctx.load_cert_chain(cert, key)
        if role == "client":
            ctx.check_hostname = False
        if ca != "-":
            ctx.load_verify_locations(ca)
            ctx.verify_mode = ssl.CERT_REQUIRED
        if role == "server":
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            print("port", listener.getsockname()[1], flush=True)
            raw, _ = listener.accept()
        else:
            raw = socket.create_connection(("127.0.0.1", int(port)))
        tls = ctx.wrap_socket(raw, server_side=(role == "server"), do_handshake_on_connect=False)
        try:
            tls.do_handshake()
            print("handshake ok", tls.version(), flush=True)
            if role == "server":
                while tls.recv(4096):
                    pass
            tls.close()
        except Exception as e:
            print("handshake failed:", e, flush=True)
            # A lingering close: closing with the peer's last records unread would send a reset, which can
            # overtake the alert in the peer's receive path. (shutdown() drops TLS and shuts the socket down.)
            tls.shutdown(socket.SHUT_WR)
            while tls.recv(4096):
                pass
            tls.close()
        """;

    private static readonly Lazy<string> s_folder = new(WriteFiles);

    private readonly Process _process;
    private readonly Task<string> _output;

    private OpenSslPeer(Process process, int port)
    {
        _process = process;
        Port = port;
        _output = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>The server's port.</summary>
    public int Port { get; }

    /// <summary>A certificate of the test CA for the Python peer, and PEM files for it.</summary>
    public static X509Certificate2 Certificate { get; } = DevelopmentCertificates.Issue(TestCertificates.Authority, "openssl-peer");

    /// <summary>Starts a server; <paramref name="trusting"/> is the CA whose client certificates it accepts (null: asks for none).</summary>
    public static async Task<OpenSslPeer> StartServerAsync(string version, X509Certificate2? trusting, CancellationToken cancellationToken)
    {
        Process process = Start("server", "0", version, trusting);
        string? line = await process.StandardOutput.ReadLineAsync(cancellationToken);
        if (line is null || !line.StartsWith("port ", StringComparison.Ordinal))
        {
            string errors = await process.StandardError.ReadToEndAsync(cancellationToken);
            Assert.Fail($"The Python TLS server did not start: {line} {errors}");
        }

        return new OpenSslPeer(process, int.Parse(line!.AsSpan(5), CultureInfo.InvariantCulture));
    }

    /// <summary>Starts a client connecting to <paramref name="port"/>, trusting only <paramref name="trusting"/>.</summary>
    public static OpenSslPeer StartClient(int port, string version, X509Certificate2 trusting) =>
        new(Start("client", port.ToString(CultureInfo.InvariantCulture), version, trusting), port);

    /// <summary>Everything the peer printed, once it has exited.</summary>
    public async Task<string> OutputAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return await _output.WaitAsync(cancellationToken);
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

    private static Process Start(string role, string port, string version, X509Certificate2? trusting)
    {
        if (PythonLocator.Any is not { } python)
        {
            Assert.Fail($"These tests need a Python 3 (with its ssl module), as the Twisted interop tests do; none was found ({PythonLocator.Tried}). {PythonLocator.InstallHelp}");
            return null!;
        }

        var info = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string ca = trusting is null ? "-"
            : ReferenceEquals(trusting, TestCertificates.Authority) ? Path.Combine(s_folder.Value, "ca.pem")
            : Path.Combine(s_folder.Value, "other-ca.pem");
        foreach (string argument in new[] { "-c", Script, role, port, version, Path.Combine(s_folder.Value, "peer.pem"), Path.Combine(s_folder.Value, "peer.key"), ca })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }

    private static string WriteFiles()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"amp-openssl-peer-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "ca.pem"), TestCertificates.Authority.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "other-ca.pem"), TestCertificates.OtherAuthority.ExportCertificatePem());
        DevelopmentCertificates.ExportPem(Certificate, Path.Combine(folder, "peer.pem"), Path.Combine(folder, "peer.key"));
        return folder;
    }
}
