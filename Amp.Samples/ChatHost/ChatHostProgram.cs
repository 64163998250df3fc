using Amp.AspNetCore;
using Amp.Hosting;
using Amp.Samples.Chat;
using Amp.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Amp.Samples.ChatHost;

/// <summary>
/// <c>chat-host</c>: the chat server as a hosted service (Amp.Hosting, configured by ChatHost/appsettings.json). It is
/// reachable directly, on the AMP listener (chat-client, StartTLS as with chat-server), and through the web port with the
/// connection negotiation in front (<c>chat-client --via http://127.0.0.1:5080/amp/chat</c>), beside an HTTP page.
/// </summary>
internal static class ChatHostProgram
{
    public const string Help = """
        chat-host [--cert-dir DIR | --cert FILE --key FILE --ca FILE] [--Section:Key=VALUE ...]
          The chat server on the .NET host, configured by ChatHost/appsettings.json next to the program:
          an AMP listener (Amp:Listeners, 127.0.0.1:5001: chat-client connects and calls StartTLS, as with
          chat-server) and a web port (Urls, http://127.0.0.1:5080) serving GET / and AMP target "chat" at
          /amp/chat (chat-client --via http://127.0.0.1:5080/amp/chat negotiates TLS there). Both ways in
          share one room; each client needs a certificate from the CA. Any setting can be given on the
          command line (--Urls=http://0.0.0.0:8080, --Amp:Listeners:0:Endpoint=tcp://0.0.0.0:7000; port 0
          picks a free one). Ctrl+C or SIGTERM tells every client the server is going away and stops.
        """;

    public static async Task<int> RunAsync(string[] flags, TextWriter output, CancellationToken cancellationToken)
    {
        // The chat's certificate flags are the chat's; everything else is configuration.
        string[] certificateFlags = ["--cert-dir", "--cert", "--key", "--ca"];
        var chatFlags = new List<string>();
        var settings = new List<string>();
        for (int i = 0; i < flags.Length; i++)
        {
            if (flags[i] is "--help" or "-h")
            {
                output.WriteLine(Help);
                return 0;
            }

            if (certificateFlags.Contains(flags[i]) && i + 1 < flags.Length)
            {
                chatFlags.AddRange([flags[i], flags[++i]]);
            }
            else
            {
                settings.Add(flags[i]);
            }
        }

        if (ChatArguments.Parse(chatFlags, Console.Error) is not { } arguments)
        {
            return 1;
        }

        ChatCertificates certificates = ChatCertificates.Load(arguments, ChatCertificates.Role.Server, output);
        WebApplication app = Build([.. settings], arguments, certificates, output);
        await using (app.ConfigureAwait(false))
        {
            app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
            {
                output.WriteLine("* stopping: every client is told the server is going away");
                app.Services.GetRequiredService<ChatRoom>().Announce("the server is stopping");
            });
            await app.StartAsync(cancellationToken);
            output.WriteLine($"* certificates: {certificates.Origin}");
            foreach (AmpListenerInfo listener in app.Services.GetRequiredService<IAmpServer>().Listeners)
            {
                output.WriteLine($"* AMP listener {listener.Name} on tcp://{listener.EndPoint} (clients call StartTLS)");
            }

            string web = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            output.WriteLine($"* web port {web}: GET / and AMP target {Target(app.Configuration)} at {web}/amp/{Target(app.Configuration)}");
            await app.WaitForShutdownAsync(cancellationToken);
        }

        output.WriteLine("* stopped");
        return 0;
    }

    private static string Target(IConfiguration configuration) => configuration["ChatHost:WebTarget"] ?? "chat";

    private static WebApplication Build(string[] settings, ChatArguments arguments, ChatCertificates certificates, TextWriter output)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = settings,
            ContentRootPath = Path.Combine(AppContext.BaseDirectory, "ChatHost"),
        });

        // The AMP listener's StartTLS certificate and the authority client certificates must chain to: the chat's files.
        string folder = arguments.CertificateDirectory;
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Amp:Listeners:0:Tls:Certificate:Path"] = arguments.CertificateFile ?? Path.Combine(folder, "server.pem"),
            ["Amp:Listeners:0:Tls:Certificate:KeyPath"] = arguments.CertificateFile is null ? Path.Combine(folder, "server.key") : arguments.KeyFile,
            ["Amp:Listeners:0:Tls:TrustedAuthorities:0"] = arguments.AuthorityFile ?? Path.Combine(folder, "ca.pem"),
        });

        // The web target: TLS from its first byte with the server's certificate, a client certificate from the CA required.
        var webTls = new TlsLayerOptions { LocalCertificate = certificates.Local, TrustedAuthorities = [certificates.Authority], RequireClientCertificate = true };
        var webConnection = builder.Configuration.GetSection("ChatHost:WebConnection").Get<AmpListenerConnectionOptions>();
        builder.Services.AddAmpWeb(web => web.AddTarget(Target(builder.Configuration), webTls, connection: webConnection))
            .AddResponder<ChatHostResponder>();
        builder.Services.AddSingleton<ChatRoom>().AddSingleton(new ChatHostOutput(output)).AddScoped<ChatSession>();

        WebApplication app = builder.Build();
        app.MapGet("/", (ChatRoom room) => $"The Amp.NET chat: {room.Nicknames().Length} present. AMP clients: chat-client --via http://<this host:port>/amp/{Target(app.Configuration)}\n");
        app.MapAmp();
        return app;
    }
}
