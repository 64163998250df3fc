// The Program.cs of docs/aspnetcore.md: its using lines, its statements (in Build, without the final app.Run()) and its
// types, verbatim. AspNetCoreDocSnippetTests checks that the page shows exactly these, and that they work.
using Amp;
using Amp.AspNetCore;
using Amp.Hosting;
using Amp.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Amp.Tests.AspNetCore.DocSnippet;

internal static class DocProgram
{
    public static WebApplication Build(string[] args)
    {
        // <program>
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

        // The target's own certificate and key, PEM files named in appsettings.json ("Calc": { "Certificate": ..., "Key": ... }).
        var tls = new TlsLayerOptions { LocalCertificate = DevelopmentCertificates.LoadPem(builder.Configuration["Calc:Certificate"]!, builder.Configuration["Calc:Key"]) };
        builder.Services.AddAmpWeb(web => web.AddTarget("calc", tls))   // clients ask for GET /amp/calc
            .AddResponder<Calculator>();                                  // resolved from each connection's scope
        builder.Services.AddSingleton<Tally>();

        WebApplication app = builder.Build();
        app.MapGet("/", (Tally tally) => $"Hello over HTTP. AMP is at /amp/calc; {tally.Divisions} divisions so far.");
        app.MapAmp();   // /amp/{target}: 101 and the negotiation for AMP clients, 426 for the others
        // </program>
        return app;
    }
}

[AmpCommand("Divide")]
[AmpError("ZERO_DIVISION", typeof(DivideByZeroException))]
public sealed class Divide : IAmpCommand<DivideResult>
{
    [AmpArgument("numerator")] public double Numerator { get; init; }
    [AmpArgument("denominator")] public double Denominator { get; init; }
}

public sealed class DivideResult
{
    [AmpArgument("quotient")] public double Quotient { get; init; }
}

/// <summary>Shared by the AMP responders and the HTTP endpoint.</summary>
public sealed class Tally
{
    private int _divisions;

    public int Divisions => Volatile.Read(ref _divisions);

    public void Count() => Interlocked.Increment(ref _divisions);
}

/// <summary>One per AMP connection (a scoped service); it may take any service, AmpConnectionContext included.</summary>
public sealed class Calculator(Tally tally, AmpConnectionContext connection)
{
    [AmpResponder]
    public DivideResult Divide(Divide divide)
    {
        if (divide.Denominator == 0)
        {
            throw new DivideByZeroException($"{connection.ListenerName}: cannot divide by zero");
        }

        tally.Count();
        return new DivideResult { Quotient = divide.Numerator / divide.Denominator };
    }
}
