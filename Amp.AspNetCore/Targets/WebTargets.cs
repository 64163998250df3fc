using System.Collections.Frozen;
using Amp.AspNetCore.Logging;
using Amp.Hosting;
using Amp.Negotiation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Amp.AspNetCore;

/// <summary>
/// The targets of the web port, built as the host starts (after the AMP server, whose entry points they use): a failure
/// to build one fails the start. Until then, and after the stop, no target is served.
/// </summary>
internal sealed class WebTargets : IHostedService
{
    private readonly AmpWebOptions _options;
    private readonly IAmpServer _server;
    private readonly ILogger _logger;
    private FrozenDictionary<string, ServedTarget> _served = FrozenDictionary<string, ServedTarget>.Empty;

    public WebTargets(AmpWebOptions options, IAmpServer server, ILoggerFactory loggerFactory)
    {
        _options = options;
        _server = server;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    public ILogger Logger => _logger;

    public ServedTarget? Find(string id) => Volatile.Read(ref _served).GetValueOrDefault(id);

    public NegotiationAddress? FindRedirect(string id) => _options.Redirects.GetValueOrDefault(id);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var served = new Dictionary<string, ServedTarget>(StringComparer.Ordinal);
        foreach (WebTargetSpec spec in _options.Targets)
        {
            string name = AmpWebOptions.EntryPointName(spec.Id);
            AmpEntryPoint entryPoint = _server.EntryPoints.FirstOrDefault(e => e.Name == name)
                ?? throw new InvalidOperationException($"The AMP server has no entry point '{name}' for web target '{spec.Id}': was it started?");
            served.Add(spec.Id, spec.Create(entryPoint));
        }

        Volatile.Write(ref _served, served.ToFrozenDictionary(StringComparer.Ordinal));
        Log.AspNetCore.WebTargetsStarted(_logger, Describe(served.Keys), Describe(_options.Redirects.Select(r => $"{r.Key} -> {r.Value}")));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _served, FrozenDictionary<string, ServedTarget>.Empty);
        return Task.CompletedTask;
    }

    private static string Describe(IEnumerable<string> items)
    {
        string text = string.Join(", ", items.Order(StringComparer.Ordinal));
        return text.Length == 0 ? "(none)" : text;
    }
}
