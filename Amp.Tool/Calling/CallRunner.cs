using System.Globalization;
using System.Net.Sockets;
using Amp.Boxes;
using Amp.Tls;
using Amp.Tool.Output;
using Amp.Tool.Values;
using Amp.Transports;

namespace Amp.Tool.Calling;

/// <summary>Connects, calls StartTLS when asked, makes the call and prints the answer; every failure becomes one line and its exit code.</summary>
internal static class CallRunner
{
    public static async Task<int> RunAsync(CallRequest request, ToolConsole console, CancellationToken interrupted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(interrupted);
        if (request.Timeout is { } timeout)
        {
            deadline.CancelAfter(timeout);
        }

        try
        {
            return await CallAsync(request, console, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            console.Error.WriteLine("amp: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            console.Error.WriteLine($"amp: timed out: no answer from {request.Address} within {Seconds(request.Timeout)} (--timeout)");
            return ExitCodes.TimedOut;
        }
        catch (ToolException e)
        {
            console.Error.WriteLine($"amp: {e.Message}");
            return e.ExitCode;
        }
    }

    private static async Task<int> CallAsync(CallRequest request, ToolConsole console, CancellationToken cancellationToken)
    {
        AmpTransport transport = await ConnectAsync(request, cancellationToken).ConfigureAwait(false);
        var options = new AmpConnectionOptions { Name = "amp", Extensions = AmpExtensions.None };
        await using AmpConnection connection = AmpConnection.Start(transport, options);
        if (request.Verbose)
        {
            console.Error.WriteLine($"amp: connected to {request.Address} ({transport.Description})");
        }

        if (request.Tls is { } tls)
        {
            await StartTlsAsync(connection, tls, request, console, cancellationToken).ConfigureAwait(false);
        }

        if (request.Verbose)
        {
            console.Error.WriteLine($"amp: calling {request.Command}{(request.RequiresAnswer ? "" : " (no answer asked)")}");
            BoxText.Write(console.Error, TypedBox.Decode(request.Arguments, request.Declaration?.Arguments, []), "  ");
        }

        if (!request.RequiresAnswer)
        {
            await Guard(connection.SendRemoteStringAsync(request.Command, request.Arguments, cancellationToken)).ConfigureAwait(false);
            await connection.CloseAsync().ConfigureAwait(false);
            console.Error.WriteLine($"amp: sent {request.Command} (it asks for no answer)");
            return ExitCodes.Success;
        }

        AmpBox answer;
        try
        {
            answer = await Guard(connection.CallRemoteStringAsync(request.Command, request.Arguments, cancellationToken)).ConfigureAwait(false);
        }
        catch (AmpRemoteException e)
        {
            return PrintError(request, e, console);
        }
        catch (ToolException e) when (e.ExitCode == ExitCodes.ConnectionLost && request.Tls is { LocalCertificate: null })
        {
            // With TLS 1.3 a server that requires a client certificate says so only after our side of the handshake is done.
            throw new ToolException(e.ExitCode, e.Message + " (a server that requires a client certificate closes the connection this way: give --cert)", e);
        }

        return PrintAnswer(request, answer, console);
    }

    private static async Task<AmpTransport> ConnectAsync(CallRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.Address.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new ToolException(ExitCodes.ConnectFailed, $"cannot connect to {request.Address}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw new ToolException(ExitCodes.ConnectFailed, $"cannot connect to {request.Address}: {e.Message}", e);
        }
    }

    private static async Task StartTlsAsync(AmpConnection connection, TlsLayerOptions tls, CallRequest request, ToolConsole console, CancellationToken cancellationToken)
    {
        try
        {
            TlsConnectionInfo info = await connection.StartTlsAsync(tls, cancellationToken).ConfigureAwait(false);
            if (request.Verbose)
            {
                console.Error.WriteLine($"amp: TLS: {info.Protocol} {info.CipherSuite}, server certificate {info.PeerCertificate?.Subject ?? "(none)"}");
            }
        }
        catch (AmpTlsException e)
        {
            throw new ToolException(ExitCodes.TlsFailed, $"TLS failed with {request.Address} ({e.Failure}): {e.Message}", e);
        }
        catch (AmpRemoteException e)
        {
            throw new ToolException(ExitCodes.TlsFailed, $"{request.Address} refused StartTLS: {e.ErrorCode}: {e.Description}", e);
        }
        catch (AmpConnectionLostException e)
        {
            throw new ToolException(ExitCodes.TlsFailed, $"TLS failed with {request.Address}: the connection ended ({e.Reason}): {Cause(e)}", e);
        }
    }

    /// <summary>Turns the connection's own failures into <see cref="ToolException"/>s; remote errors, cancellation and timeouts pass.</summary>
    private static async Task<T> Guard<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e) is { } failure)
        {
            throw failure;
        }
    }

    private static async Task Guard(Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e) is { } failure)
        {
            throw failure;
        }
    }

    private static ToolException? Translate(Exception e) => e switch
    {
        AmpConnectionLostException lost => new ToolException(
            lost.Reason == AmpDisconnectReason.TlsFailure ? ExitCodes.TlsFailed : ExitCodes.ConnectionLost,
            $"the connection ended before the answer ({lost.Reason}): {Cause(lost)}",
            lost),
        AmpProtocolException or AmpConnectionClosingException => new ToolException(ExitCodes.ConnectionLost, $"the connection ended before the answer: {e.Message}", e),
        _ => null,
    };

    private static int PrintAnswer(CallRequest request, AmpBox answer, ToolConsole console)
    {
        var problems = new List<string>();
        DecodedBox decoded = TypedBox.Decode(answer, request.Response, problems, new HashSet<string>(StringComparer.Ordinal) { "_answer" });
        if (request.Json)
        {
            console.Out.WriteLine(JsonValues.ToJson(decoded, indented: true));
        }
        else
        {
            BoxText.Write(console.Out, decoded);
        }

        foreach (string problem in problems)
        {
            console.Error.WriteLine($"amp: the answer does not match {request.Command}'s declared response: {problem}");
        }

        return problems.Count == 0 ? ExitCodes.Success : ExitCodes.RemoteError;
    }

    private static int PrintError(CallRequest request, AmpRemoteException error, ToolConsole console)
    {
        var box = new DecodedBox([new("_error_code", error.ErrorCode), new("_error_description", error.Description)]);
        if (request.Json)
        {
            console.Out.WriteLine(JsonValues.ToJson(box, indented: true));
        }
        else
        {
            BoxText.Write(console.Out, box);
        }

        string declared = request.Declaration?.Errors.TryGetValue(error.ErrorCode, out string? meaning) == true ? $" (declared: {meaning})" : "";
        console.Error.WriteLine($"amp: {request.Command} failed: {ValueText.Escape(System.Text.Encoding.UTF8.GetBytes(error.ErrorCode))}: {ValueText.Escape(System.Text.Encoding.UTF8.GetBytes(error.Description))}{declared}");
        return ExitCodes.RemoteError;
    }

    private static string Cause(Exception e) => e.InnerException is { } inner ? inner.Message : e.Message;

    private static string Seconds(TimeSpan? timeout) =>
        timeout is { } t ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s" : "the time allowed";
}
