using Amp.Boxes;
using Microsoft.Extensions.Logging;

namespace Amp.Hosting;

/// <summary>
/// Turns a listener's <see cref="AmpListenerConnectionOptions"/> into the <see cref="AmpConnectionOptions"/> its
/// connections start with. Amp.Core's own setters check each value, so the validator asks this type, one setting
/// at a time, rather than repeating the rules.
/// </summary>
internal static class ConnectionOptionsFactory
{
    /// <summary>Each setting that is set, by its configuration name, with a check that applies it alone.</summary>
    public static IEnumerable<(string Setting, Action Apply)> Checks(AmpListenerConnectionOptions settings)
    {
        if (settings.MaxConcurrentIncomingCalls is { } calls)
        {
            yield return (nameof(settings.MaxConcurrentIncomingCalls), () => _ = new AmpConnectionOptions { MaxConcurrentIncomingCalls = calls });
        }

        if (settings.MaxQueuedOutgoingBytes is { } queued)
        {
            yield return (nameof(settings.MaxQueuedOutgoingBytes), () => _ = new AmpConnectionOptions { MaxQueuedOutgoingBytes = queued });
        }

        if (settings.CallTimeout is { } callTimeout)
        {
            yield return (nameof(settings.CallTimeout), () => _ = new AmpConnectionOptions { CallTimeout = callTimeout });
        }

        if (settings.IdleTimeout is { } idle)
        {
            yield return (nameof(settings.IdleTimeout), () => _ = new AmpConnectionOptions { IdleTimeout = idle });
        }

        if (settings.KeepAliveInterval is { } interval)
        {
            yield return (nameof(settings.KeepAliveInterval), () => _ = new AmpConnectionOptions { KeepAliveInterval = interval });
        }

        if (settings.KeepAliveTimeout is { } keepAliveTimeout)
        {
            yield return (nameof(settings.KeepAliveTimeout), () => _ = new AmpConnectionOptions { KeepAliveTimeout = keepAliveTimeout });
        }

        if (settings.MaxValueLength is { } valueLength)
        {
            yield return (nameof(settings.MaxValueLength), () => _ = new AmpLimits { MaxValueLength = valueLength });
        }

        if (settings.MaxBoxBytes is { } boxBytes)
        {
            yield return (nameof(settings.MaxBoxBytes), () => _ = new AmpLimits { MaxBoxBytes = boxBytes });
        }

        if (settings.MaxKeysPerBox is { } keys)
        {
            yield return (nameof(settings.MaxKeysPerBox), () => _ = new AmpLimits { MaxKeysPerBox = keys });
        }

        if (settings.MaxLayerDepth is { } depth)
        {
            yield return (nameof(settings.MaxLayerDepth), () => _ = new AmpConnectionOptions { MaxLayerDepth = depth });
        }

        if (settings.Extensions is { } extensions && (extensions & ~AmpExtensions.All) != 0)
        {
            yield return (nameof(settings.Extensions), () => throw new ArgumentOutOfRangeException(
                nameof(settings.Extensions), $"'{extensions}' names an extension this version does not know; known: {AmpExtensions.All}."));
        }
    }

    public static AmpConnectionOptions Create(AmpListenerConnectionOptions? settings, AmpResponders responders, ILoggerFactory loggerFactory)
    {
        var defaults = new AmpConnectionOptions();
        settings ??= new AmpListenerConnectionOptions();
        return new AmpConnectionOptions
        {
            Responders = responders,
            LoggerFactory = loggerFactory,
            Limits = new AmpLimits
            {
                MaxValueLength = settings.MaxValueLength ?? AmpLimits.Default.MaxValueLength,
                MaxBoxBytes = settings.MaxBoxBytes ?? AmpLimits.Default.MaxBoxBytes,
                MaxKeysPerBox = settings.MaxKeysPerBox ?? AmpLimits.Default.MaxKeysPerBox,
            },
            MaxConcurrentIncomingCalls = settings.MaxConcurrentIncomingCalls ?? defaults.MaxConcurrentIncomingCalls,
            MaxQueuedOutgoingBytes = settings.MaxQueuedOutgoingBytes ?? defaults.MaxQueuedOutgoingBytes,
            CallTimeout = settings.CallTimeout ?? defaults.CallTimeout,
            IdleTimeout = settings.IdleTimeout ?? defaults.IdleTimeout,
            KeepAliveInterval = settings.KeepAliveInterval ?? defaults.KeepAliveInterval,
            KeepAliveTimeout = settings.KeepAliveTimeout ?? defaults.KeepAliveTimeout,
            MaxLayerDepth = settings.MaxLayerDepth ?? defaults.MaxLayerDepth,
            CloseOnUnknownError = settings.CloseOnUnknownError ?? defaults.CloseOnUnknownError,
            Extensions = settings.Extensions ?? defaults.Extensions,
        };
    }
}
