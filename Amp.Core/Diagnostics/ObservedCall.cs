using System.Diagnostics;

namespace Amp.Diagnostics;

/// <summary>
/// One call as the traces and metrics see it, on either side: its span (when someone listens to
/// <see cref="AmpTelemetry.ActivitySourceName"/>), its duration, and how it ended. Made only while
/// <see cref="AmpInstruments.CallsObserved"/>, so an unobserved call allocates nothing for it.
/// </summary>
internal sealed class ObservedCall
{
    // The server call whose responder runs in this flow: SendFailure tells it the error code it sent.
    private static readonly AsyncLocal<ObservedCall?> s_serving = new();

    private readonly string _method;
    private readonly bool _server;
    private readonly long _started = Stopwatch.GetTimestamp();
    private string? _errorType;

    private ObservedCall(string method, bool server, Activity? activity)
    {
        _method = method;
        _server = server;
        Activity = activity;
        AmpInstruments.ActiveCalls.Add(1, Side);
    }

    /// <summary>The call's span, or <see langword="null"/> when no listener samples it.</summary>
    public Activity? Activity { get; }

    private KeyValuePair<string, object?> Side => new("amp.side", _server ? "server" : "client");

    /// <summary>Starts a call of this side: its span becomes <see cref="Activity.Current"/>, so its box carries its context.</summary>
    public static ObservedCall StartClient(string method, string connection)
    {
        Activity? activity = AmpInstruments.Source.StartActivity(method, ActivityKind.Client);
        Tag(activity, method, connection);
        return new ObservedCall(method, server: false, activity);
    }

    /// <summary>
    /// Starts answering the peer's call, as a child of the caller's span when its box carried the trace
    /// context (<c>_traceparent</c>, <c>_tracestate</c>; spec §15.8). The span is current until <see cref="LeaveServing"/>.
    /// </summary>
    public static ObservedCall StartServer(string method, string connection, ReadOnlySpan<byte> traceParent, ReadOnlySpan<byte> traceState)
    {
        ActivityContext parent = default;
        if (!traceParent.IsEmpty)
        {
            ActivityContext.TryParse(Ascii(traceParent), traceState.IsEmpty ? null : Ascii(traceState), isRemote: true, out parent);
        }

        Activity? activity = AmpInstruments.Source.StartActivity(method, ActivityKind.Server, parent);
        Tag(activity, method, connection);
        var call = new ObservedCall(method, server: true, activity);
        s_serving.Value = call;
        return call;
    }

    /// <summary>The error the responder of the call being served answered with (or a failure of this side's call).</summary>
    public static void ServedError(string code)
    {
        if (s_serving.Value is { } call)
        {
            call.SetError(code);
        }
    }

    /// <summary>Leaves the served call's flow (the read loop goes on with the next box): the span and the error slot are no longer current.</summary>
    public void LeaveServing(Activity? previous)
    {
        s_serving.Value = null;
        Activity.Current = previous;
    }

    public void SetError(string errorType) => _errorType ??= errorType;

    /// <summary>Ends the span and records the duration, once.</summary>
    public void End()
    {
        double seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        AmpInstruments.ActiveCalls.Add(-1, Side);
        if (Activity is { } activity)
        {
            if (_errorType is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error);
                activity.SetTag("error.type", _errorType);
                activity.SetTag("rpc.response.status_code", _errorType);
            }

            activity.Stop();
        }

        var tags = new TagList
        {
            { "rpc.system", AmpTelemetry.RpcSystem },
            { "rpc.method", _method },
        };
        if (_errorType is not null)
        {
            tags.Add("error.type", _errorType);
        }

        (_server ? AmpInstruments.ServerDuration : AmpInstruments.ClientDuration).Record(seconds, tags);
    }

    /// <summary>What a failed call of this side reports as <c>error.type</c>: the AMP error code when the peer sent one.</summary>
    public static string ErrorTypeOf(Exception exception, Descriptors.CommandDescriptor descriptor) => exception switch
    {
        AmpRemoteException remote => remote.ErrorCode,
        _ when descriptor.FindDeclaredError(exception) is { } declared => declared.Code,
        OperationCanceledException => "cancelled",
        TimeoutException => "timeout",
        _ => exception.GetType().FullName ?? "error",
    };

    private static void Tag(Activity? activity, string method, string connection)
    {
        if (activity is null || !activity.IsAllDataRequested)
        {
            return;
        }

        activity.SetTag("rpc.system", AmpTelemetry.RpcSystem);
        activity.SetTag("rpc.method", method);
        activity.SetTag("amp.connection", connection);
    }

    private static string Ascii(ReadOnlySpan<byte> bytes) => System.Text.Encoding.ASCII.GetString(bytes);
}
