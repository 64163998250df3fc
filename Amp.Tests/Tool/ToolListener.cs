using System.Text.RegularExpressions;
using Amp.Tool;

namespace Amp.Tests.Tool;

/// <summary><c>amp listen</c> running in this process; its output can be waited on; disposing it interrupts it (as Ctrl+C).</summary>
internal sealed partial class ToolListener : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly StringWriter _errors;

    private ToolListener(Task<int> run, LineWaiter output, StringWriter errors, CancellationTokenSource stop, string address)
    {
        Run = run;
        Output = output;
        _errors = errors;
        _stop = stop;
        Address = address;
    }

    /// <summary>Where it listens, as printed: <c>127.0.0.1:PORT</c> or <c>unix:/path</c>.</summary>
    public string Address { get; }

    public int Port => int.Parse(Address[(Address.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    public LineWaiter Output { get; }

    public string Errors => _errors.ToString();

    /// <summary>The run: completes with the exit code.</summary>
    public Task<int> Run { get; }

    public static async Task<ToolListener> StartAsync(CancellationToken cancellationToken, params string[] args)
    {
        var output = new LineWaiter();
        var errors = new StringWriter();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<int> run = AmpTool.RunAsync(["listen", .. args], new ToolConsole(output, TextWriter.Synchronized(errors), () => Stream.Null), stop.Token);
        Task<string> listening = output.WaitForAsync(text => ListeningLine().IsMatch(text), cancellationToken);
        if (await Task.WhenAny(listening, run) == run)
        {
            Assert.Fail($"amp listen {string.Join(' ', args)} ended at once with exit code {await run}: {errors}{output}");
        }

        string address = ListeningLine().Match(await listening).Groups["address"].Value;
        return new ToolListener(run, output, errors, stop, address);
    }

    /// <summary>Interrupts it (as Ctrl+C) and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        int exitCode = await Run;
        TestContext.Out.WriteLine($"amp listen output:\n{Output}\nerrors:\n{Errors}");
        return exitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    [GeneratedRegex(@"listening""?(?: on |,""address"":"")(?<address>[^\s""]+)")]
    private static partial Regex ListeningLine();
}
