namespace Amp.Samples.LineTls;

/// <summary>The <c>line-tls-demo</c> subcommand: its help.</summary>
internal static class LineTlsProgram
{
    private const string Help = """
        line-tls-demo
          A text line protocol (no AMP) with STARTTLS and STOPTLS: its server and client in this process over
          loopback TCP go to TLS, TLS inside TLS, back to plaintext with nothing lost, and QUIT, printing each
          step. Exit codes: 0 every step as expected, 1 a step failed, 2 bad flags, 130 interrupted.
        """;

    public static bool Handles(string command) => command == "line-tls-demo";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        SampleFlags? flags = SampleFlags.Parse("line-tls-demo", args, [], Console.Error);
        if (flags is null)
        {
            return SampleFlags.UsageExitCode;
        }

        if (flags.Help)
        {
            Console.WriteLine(Help);
            return 0;
        }

        return await LineTlsDemo.RunAsync(Console.Out, cancellationToken);
    }
}
