namespace Amp.Boxes;

/// <summary>What kind of box this is, found in one pass over its keys.</summary>
internal enum BoxKind
{
    Empty,
    Answer,
    Error,
    Command,

    /// <summary>A box of a stream's sender (<c>_stream</c>: chunk, end or error end; spec §15.3).</summary>
    Stream,

    /// <summary>A box of a stream's receiver (<c>_grant</c>: credit or stop; spec §15.3).</summary>
    Grant,

    /// <summary>A caller cancels one of its calls (<c>_cancel</c>; spec §15.5).</summary>
    Cancel,

    /// <summary>The sender is going away and starts no more calls (<c>_goaway</c>; spec §15.7).</summary>
    GoAway,
}

/// <summary>
/// The reserved keys of a received box, picked out in one pass. Precedence is Twisted's:
/// <c>_answer</c>, then <c>_error</c>, then <c>_command</c>; a box with none of them is "empty".
/// </summary>
internal ref struct BoxHeader
{
    public ReadOnlySpan<byte> Ask;
    public ReadOnlySpan<byte> Answer;
    public ReadOnlySpan<byte> Command;
    public ReadOnlySpan<byte> Error;
    public ReadOnlySpan<byte> ErrorCode;
    public ReadOnlySpan<byte> ErrorDescription;
    public ReadOnlySpan<byte> Streams;
    public ReadOnlySpan<byte> Stream;
    public ReadOnlySpan<byte> Grant;
    public ReadOnlySpan<byte> Cancel;
    public ReadOnlySpan<byte> Timeout;
    public ReadOnlySpan<byte> TraceParent;
    public ReadOnlySpan<byte> TraceState;
    public bool HasAsk;
    public bool HasAnswer;
    public bool HasCommand;
    public bool HasError;
    public bool HasErrorCode;
    public bool HasErrorDescription;
    public bool HasStreams;
    public bool HasStream;
    public bool HasGrant;
    public bool HasCancel;
    public bool HasTimeout;
    public bool HasGoAway;

    public readonly BoxKind Kind =>
        HasAnswer ? BoxKind.Answer : HasError ? BoxKind.Error : HasCommand ? BoxKind.Command
        : HasStream ? BoxKind.Stream : HasGrant ? BoxKind.Grant : HasCancel ? BoxKind.Cancel
        : HasGoAway ? BoxKind.GoAway : BoxKind.Empty;

    public static BoxHeader Read(in AmpBoxView box)
    {
        var header = default(BoxHeader);
        foreach (AmpBoxEntry entry in box)
        {
            ReadOnlySpan<byte> key = entry.Key;
            if (key.Length < 4 || key[0] != (byte)'_')
            {
                continue;
            }

            switch (key.Length)
            {
                case 4 when key.SequenceEqual(ReservedKeys.Ask):
                    header.Ask = entry.Value;
                    header.HasAsk = true;
                    break;
                case 6 when key.SequenceEqual(ReservedKeys.Error):
                    header.Error = entry.Value;
                    header.HasError = true;
                    break;
                case 6 when key.SequenceEqual(ReservedKeys.Grant):
                    header.Grant = entry.Value;
                    header.HasGrant = true;
                    break;
                case 7 when key.SequenceEqual(ReservedKeys.Answer):
                    header.Answer = entry.Value;
                    header.HasAnswer = true;
                    break;
                case 7 when key.SequenceEqual(ReservedKeys.Stream):
                    header.Stream = entry.Value;
                    header.HasStream = true;
                    break;
                case 7 when key.SequenceEqual(ReservedKeys.Cancel):
                    header.Cancel = entry.Value;
                    header.HasCancel = true;
                    break;
                case 7 when key.SequenceEqual(ReservedKeys.GoAway):
                    header.HasGoAway = true;
                    break;
                case 8 when key.SequenceEqual(ReservedKeys.Command):
                    header.Command = entry.Value;
                    header.HasCommand = true;
                    break;
                case 8 when key.SequenceEqual(ReservedKeys.Streams):
                    header.Streams = entry.Value;
                    header.HasStreams = true;
                    break;
                case 8 when key.SequenceEqual(ReservedKeys.Timeout):
                    header.Timeout = entry.Value;
                    header.HasTimeout = true;
                    break;
                case 12 when key.SequenceEqual(ReservedKeys.TraceParent):
                    header.TraceParent = entry.Value;
                    break;
                case 11 when key.SequenceEqual(ReservedKeys.TraceState):
                    header.TraceState = entry.Value;
                    break;
                case 11 when key.SequenceEqual(ReservedKeys.ErrorCode):
                    header.ErrorCode = entry.Value;
                    header.HasErrorCode = true;
                    break;
                case 18 when key.SequenceEqual(ReservedKeys.ErrorDescription):
                    header.ErrorDescription = entry.Value;
                    header.HasErrorDescription = true;
                    break;
            }
        }

        return header;
    }
}
