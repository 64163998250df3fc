namespace Amp.Tool;

/// <summary>Where <c>amp</c> reads and writes: the process's standard streams, or a test's.</summary>
/// <param name="Out">Answers, boxes and decoded output.</param>
/// <param name="Error">Messages: warnings, failures, progress.</param>
/// <param name="OpenInput">Opens standard input (<c>amp decode</c> reads it when given no file).</param>
internal sealed record ToolConsole(TextWriter Out, TextWriter Error, Func<Stream> OpenInput)
{
    /// <summary>The process's own standard streams.</summary>
    public static ToolConsole System { get; } = new(Console.Out, Console.Error, Console.OpenStandardInput);
}
