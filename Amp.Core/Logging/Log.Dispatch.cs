using Microsoft.Extensions.Logging;

namespace Amp.Logging;

internal static partial class Log
{
    internal static partial class Dispatch
    {
        [LoggerMessage(EventId = AmpEventId.ResponderFailed, EventName = nameof(ResponderFailed), Level = LogLevel.Error,
            Message = "Responder for {Command} threw an undeclared exception; answered UNKNOWN")]
        public static partial void ResponderFailed(ILogger logger, string command, Exception exception);

        [LoggerMessage(EventId = AmpEventId.MalformedArguments, EventName = nameof(MalformedArguments), Level = LogLevel.Warning,
            Message = "Command {Command} had malformed arguments; answered UNKNOWN: {Detail}")]
        public static partial void MalformedArguments(ILogger logger, string command, string detail);

        [LoggerMessage(EventId = AmpEventId.UnhandledCommand, EventName = nameof(UnhandledCommand), Level = LogLevel.Debug,
            Message = "No responder for command {Command}; answered UNHANDLED")]
        public static partial void UnhandledCommand(ILogger logger, string command);

        [LoggerMessage(EventId = AmpEventId.AnswerNotWritable, EventName = nameof(AnswerNotWritable), Level = LogLevel.Error,
            Message = "The response of {Command} could not be written; answered UNKNOWN")]
        public static partial void AnswerNotWritable(ILogger logger, string command, Exception exception);

        [LoggerMessage(EventId = AmpEventId.UnansweredCommandFailed, EventName = nameof(UnansweredCommandFailed), Level = LogLevel.Warning,
            Message = "Command {Command} asked for no answer and failed")]
        public static partial void UnansweredCommandFailed(ILogger logger, string command, Exception exception);

        [LoggerMessage(EventId = AmpEventId.FatalErrorSent, EventName = nameof(FatalErrorSent), Level = LogLevel.Information,
            Message = "Command {Command} failed with fatal error {Code}; closing the connection")]
        public static partial void FatalErrorSent(ILogger logger, string command, string code);

        [LoggerMessage(EventId = AmpEventId.DeclaredErrorSent, EventName = nameof(DeclaredErrorSent), Level = LogLevel.Debug,
            Message = "Command {Command} answered declared error {Code}")]
        public static partial void DeclaredErrorSent(ILogger logger, string command, string code);

        [LoggerMessage(EventId = AmpEventId.CallCancelled, EventName = nameof(CallCancelled), Level = LogLevel.Debug,
            Message = "Command {Command} was cancelled by its caller (or its deadline passed); answered CANCELLED")]
        public static partial void CallCancelled(ILogger logger, string command);
    }
}
