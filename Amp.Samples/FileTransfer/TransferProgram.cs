namespace Amp.Samples.FileTransfer;

/// <summary>The <c>transfer</c> subcommand: its flags and help.</summary>
internal static class TransferProgram
{
    private const string Help = """
        transfer [--megabytes N]
          Writes a file of N MB of random bytes (default 64) and sends it four ways over loopback TCP: as a
          stream argument of an AMP call and by switching the connection to raw bytes, each in plaintext and
          inside TLS; checks the receiver's SHA-256 and prints each throughput. N is 1 to 4096.
          Exit codes: 0 both copies intact, 1 a copy differs, 2 bad flags, 130 interrupted (Ctrl+C or SIGTERM).
        """;

    public static bool Handles(string command) => command == "transfer";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        SampleFlags? flags = SampleFlags.Parse("transfer", args, ["--megabytes"], Console.Error);
        if (flags is null)
        {
            return SampleFlags.UsageExitCode;
        }

        if (flags.Help)
        {
            Console.WriteLine(Help);
            return 0;
        }

        if (flags.Number("--megabytes", 64, 1, FileReceiver.MaxSize / (1024 * 1024), "a number of megabytes") is not { } megabytes)
        {
            return SampleFlags.UsageExitCode;
        }

        return await FileTransferDemo.RunAsync(megabytes * 1024 * 1024, Console.Out, cancellationToken);
    }
}
