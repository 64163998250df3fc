using Amp.Tests.TestUtilities;

namespace Amp.Tests.Switching;

/// <summary>Runs the file-transfer sample as a person would and checks what it prints.</summary>
[CancelAfter(60000)]
public sealed class FileTransferSampleTests
{
    [Test]
    public async Task TheSampleSendsAFilePlainAndInsideTlsAndBothArriveIntact(CancellationToken cancellationToken)
    {
        (int exitCode, string text, string errors) = await SampleProcess.RunAsync(cancellationToken, "transfer", "--megabytes", "3");
        Assert.That(exitCode, Is.Zero, errors);
        Assert.That(text, Does.Contain("receiver: got 3,145,728 bytes over tcp").And.Contain("SHA-256 matches"));
        Assert.That(text, Does.Contain("| tls(1.3); SHA-256 matches"));
        Assert.That(text.Split('\n').Count(l => l.Contains("receiver confirmed the SHA-256", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(text, Does.Contain("transfer: done, both copies intact"));
    }
}
