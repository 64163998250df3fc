namespace Amp.Tests.Unit;

public sealed class SmokeTests
{
    [Test]
    public void TransportRoleDefaultsToUnspecified()
    {
        Assert.That(default(Amp.Transports.AmpTransportRole), Is.EqualTo(Amp.Transports.AmpTransportRole.Unspecified));
    }
}
