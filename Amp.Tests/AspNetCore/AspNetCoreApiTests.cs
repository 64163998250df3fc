using Amp.AspNetCore;
using Amp.Negotiation;
using Amp.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static Amp.Tests.Negotiation.NegotiationSetup;

namespace Amp.Tests.AspNetCore;

/// <summary>Mistakes in setting AMP up on a web app are refused where they are made, with a message saying what to do.</summary>
public sealed class AspNetCoreApiTests
{
    [Test]
    public void MapAmpWithoutAddAmpWebSaysToCallIt()
    {
        WebApplication app = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory }).Build();
        Assert.That(() => app.MapAmp(), Throws.InvalidOperationException.With.Message.Contains("call builder.Services.AddAmpWeb(...) first"));
    }

    [Test]
    public void MapAmpNeedsATargetParameterInItsRoute()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddAmpWeb(web => web.AddTarget("calc", TargetTls(TargetA)));
        WebApplication app = builder.Build();
        Assert.That(() => app.MapAmp("/amp/{name}"), Throws.ArgumentException.With.Message.Contains("has no {target} parameter"));
        Assert.That(() => app.MapAmp("/services/amp/{target}"), Throws.Nothing);
    }

    [Test]
    public void TargetsAreCheckedAsTheyAreAdded()
    {
        var services = new ServiceCollection();
        Assert.Multiple(() =>
        {
            Assert.That(() => services.AddAmpWeb(web => web.AddTarget("not valid", TargetTls(TargetA))), Throws.ArgumentException.With.Message.Contains("not a valid target id"));
            Assert.That(() => services.AddAmpWeb(web => web.AddTarget("calc", new TlsLayerOptions())), Throws.ArgumentException.With.Message.Contains("needs a certificate"));
            Assert.That(() => services.AddAmpWeb(web => web.AddTarget("calc", TargetTls(TargetA)).AddRedirect("calc", new NegotiationAddress("localhost", 1, "calc"))),
                Throws.ArgumentException.With.Message.Contains("already served or redirected"));
            Assert.That(() => services.AddAmpWeb(web => web.AddRedirect("old", new NegotiationAddress("localhost", 1, "calc")).AddTarget("old", TargetTls(TargetA))),
                Throws.ArgumentException.With.Message.Contains("already served or redirected"));
        });
    }
}
