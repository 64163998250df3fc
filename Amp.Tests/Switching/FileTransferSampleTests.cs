using Amp.Tests.TestUtilities;

namespace Amp.Tests.Switching;

/// <summary>Runs the file-transfer sample as a person would and checks what it prints.</summary>
[CancelAfter(60000)]
public sealed class FileTransferSampleTests
{
    [Test]
    public async Task TheSampleStreamsAndSwitchesAFilePlainAndInsideTlsAndEveryCopyArrivesIntact(CancellationToken cancellationToken)
    {
        (int exitCode, string text, string errors) = await SampleProcess.RunAsync(cancellationToken, "transfer", "--megabytes", "3");
        Assert.That(exitCode, Is.Zero, errors);
        Assert.That(text, Does.Contain("receiver: got 3,145,728 bytes over tcp").And.Contain("SHA-256 matches"));
        Assert.That(text, Does.Contain("| tls(1.3); SHA-256 matches"));
        Assert.That(text, Does.Contain("receiver: streamed amp-transfer-").And.Contain("(3,145,728 bytes)"));
        string[] confirmed = [.. text.Split('\n').Where(l => l.Contains("receiver confirmed the SHA-256", StringComparison.Ordinal))];
        Assert.That(confirmed, Has.Length.EqualTo(4), text);
        Assert.That(confirmed.Count(l => l.Contains("MB/s streamed over tcp", StringComparison.Ordinal)), Is.EqualTo(2), "streamed, plain and in TLS");
        Assert.That(confirmed.Count(l => l.Contains("MB/s switched to raw bytes over tcp", StringComparison.Ordinal)), Is.EqualTo(2), "switched, plain and in TLS");
        Assert.That(confirmed.Count(l => l.EndsWith("| tls(1.3)", StringComparison.Ordinal)), Is.EqualTo(2), "one of each inside TLS");
        Assert.That(text, Does.Contain("transfer: done, both copies intact"));
    }
}
