using System.Diagnostics;
using Amp.Tests.TestUtilities;
using Amp.Tls;

namespace Amp.Tests.Model;

internal enum OpKind
{
    Sum,
    Echo,
    Delay,
    CallMeBack,
    StartTls,
    StopTls,
    StartMask,
    StopMask,
    SwitchRefused,
    SwitchRaw,
    Dispose,
    CloseTransport,
}

/// <summary>How an operation's token is cancelled (if at all).</summary>
internal enum CancelMode
{
    None,
    Before,
    RightAfter,
    AfterDelay,
    FromPool,
}

/// <summary>What happened in one round, which decides the outcomes an operation may have.</summary>
internal sealed class RoundFacts
{
    public bool Disconnect { get; set; }

    public bool RawSwitch { get; set; }

    public bool AnySwitch { get; set; }
}

/// <summary>One step of the model: a call, a layer change, a switch or a disconnect, from one side.</summary>
internal sealed class ModelOp
{
    private static readonly HashSet<string> s_callErrorCodes = [AmpErrorCodes.Unknown, AmpErrorCodes.LayerChangeConflict, ModelResponders.MaskErrorCode];

    public ModelOp(int id, OpKind kind, bool fromInitiator, string detail)
    {
        Id = id;
        Kind = kind;
        FromInitiator = fromInitiator;
        Detail = detail;
    }

    public int Id { get; }

    public OpKind Kind { get; }

    public bool FromInitiator { get; }

    public string Detail { get; }

    public CancelMode CancelMode { get; set; }

    public CancellationTokenSource? Cts { get; set; }

    /// <summary>The pool task that cancels the token (<see cref="CancelMode.FromPool"/>).</summary>
    public Task? Canceller { get; set; }

    public Task Task { get; set; } = Task.CompletedTask;

    /// <summary>The typed task the call returned, when it was started on the pool (<see cref="Task"/> is then Task.Run's proxy).</summary>
    public Task? Inner { get; set; }

    private Task Typed => Inner ?? Task;

    /// <summary>Checks a successful result; returns what is wrong, or null.</summary>
    public Func<Task, string?>? Check { get; set; }

    public bool ThrewSynchronously { get; set; }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public TimeSpan? Took { get; set; }

    public bool IsChange => Kind is OpKind.StartTls or OpKind.StopTls or OpKind.StartMask or OpKind.StopMask;

    public bool IsPop => Kind is OpKind.StopTls or OpKind.StopMask;

    public bool IsCall => Kind is OpKind.Sum or OpKind.Echo or OpKind.Delay or OpKind.CallMeBack;

    public bool IsSwitch => Kind is OpKind.SwitchRaw or OpKind.SwitchRefused;

    public bool TokenCancelled => Cts?.IsCancellationRequested == true;

    /// <summary>The switched stream, once a switch of ours succeeded.</summary>
    public AmpSwitchedConnection? Switched => Kind == OpKind.SwitchRaw && Task.IsCompletedSuccessfully ? ((Task<AmpSwitchedConnection>)Typed).Result : null;

    public override string ToString() =>
        $"#{Id} {(FromInitiator ? "I" : "A")} {Kind}{(Detail.Length > 0 ? " " + Detail : string.Empty)}{(CancelMode != CancelMode.None ? $" cancel={CancelMode}{(TokenCancelled ? "(fired)" : string.Empty)}" : string.Empty)}: {Describe(Task)}";

    public static string Describe(Task task) => task.Status switch
    {
        TaskStatus.RanToCompletion => "ok",
        TaskStatus.Canceled => "cancelled",
        TaskStatus.Faulted => $"{task.Exception!.InnerException!.GetType().Name}: {task.Exception.InnerException.Message}",
        _ => "PENDING (" + task.Status + ")",
    };

    /// <summary>The outcome's name for the statistics, such as <c>StartTls:AmpLayerChangeConflictException</c>.</summary>
    public string OutcomeName => Kind + ":" + Task.Status switch
    {
        TaskStatus.RanToCompletion => "ok",
        TaskStatus.Canceled => "cancelled",
        TaskStatus.Faulted => Task.Exception!.InnerException!.GetType().Name,
        _ => "pending",
    };

    /// <summary>Judges a completed operation against invariant 1; returns the violation, or null.</summary>
    public string? Judge(RoundFacts facts)
    {
        if (ThrewSynchronously)
        {
            return "threw synchronously instead of returning a faulted task";
        }

        if (Task.IsCanceled)
        {
            return TokenCancelled ? null : "was cancelled although its token was not";
        }

        if (Task.IsCompletedSuccessfully)
        {
            if (Kind == OpKind.SwitchRefused)
            {
                return "a switch to an unknown protocol succeeded";
            }

            return Check?.Invoke(Typed);
        }

        if (Task.Exception!.InnerExceptions.Count != 1)
        {
            return "faulted with several exceptions";
        }

        Exception e = Task.Exception.InnerException!;
        bool allowed = e switch
        {
            OperationCanceledException => TokenCancelled,
            _ when Kind is OpKind.Dispose or OpKind.CloseTransport => false,
            AmpConnectionLostException lost => facts.Disconnect || (facts.RawSwitch && lost.Reason == AmpDisconnectReason.ProtocolSwitched),
            AmpProtocolSwitchedException => facts.AnySwitch,
            UnknownProtocolException => Kind == OpKind.SwitchRefused,
            AmpLayerChangeConflictException => true,
            AmpRemoteException remote => RemoteErrorAllowed(remote),
            InvalidOperationException => IsPop,
            AmpLayerException => IsChange && facts.Disconnect,
            _ => false,
        };
        return allowed ? null : $"failed with an exception it may not have here: {e}";
    }

    private bool RemoteErrorAllowed(AmpRemoteException remote) => Kind switch
    {
        OpKind.StopTls => remote.ErrorCode == "TLS_ERROR",
        OpKind.StopMask => remote.ErrorCode == ModelResponders.MaskErrorCode,
        OpKind.StartMask => remote.ErrorCode == ModelResponders.MaskErrorCode && Detail == "key=0",

        // Held answers of a push that did not happen become UNKNOWN; held calls fail with its refusal.
        _ when IsCall => s_callErrorCodes.Contains(remote.ErrorCode),
        _ => false,
    };

    public static Func<Task, string?> Expect<T>(Func<T, string?> check) => task => check(((Task<T>)task).Result);

    public static Func<Task, string?> ExpectTls(bool initiator) =>
        Expect<TlsConnectionInfo>(info => info.IsClient == initiator ? null : $"the TLS role is wrong (client={info.IsClient})");

    public static Func<Task, string?> ExpectSum(System.Numerics.BigInteger total) =>
        Expect<SumResult>(result => result.Total == total ? null : $"wrong total {result.Total}, expected {total}");
}
