using Amp.Boxes;

namespace Amp.BoxProtocol;

/// <summary>
/// Boxes queued behind a layer change that did not happen (refused, withdrawn, overtaken) were meant for
/// the new layer and are never written below it. The answers among them still owe the peer a reply: each becomes an <c>UNKNOWN</c>
/// error under the same tag, which carries nothing of the answer, so the peer's call ends instead of
/// waiting for an answer that will never come. A going-away box carries nothing either, and the peer waits
/// for it: it is kept as it is.
/// </summary>
internal static class HeldBoxes
{
    /// <summary>Appends to <paramref name="replies"/> an <c>UNKNOWN</c> error for each answer or error box in <paramref name="held"/>.</summary>
    /// <returns>How many boxes were appended.</returns>
    public static int AppendErrorsFor(ReadOnlySpan<byte> held, ByteQueue replies)
    {
        int appended = 0;
        BoxBuffer buffer = BoxBuffer.Rent();
        try
        {
            while (held.Length >= 2)
            {
                int length = 2;   // the end marker
                bool answers = false;
                bool conflict = false;
                ReadOnlySpan<byte> tag = default;
                AmpBoxView.Enumerator entries = new(held);
                while (entries.MoveNext())
                {
                    AmpBoxEntry entry = entries.Current;
                    length += 4 + entry.Key.Length + entry.Value.Length;
                    if (entry.Key.SequenceEqual(ReservedKeys.Answer) || entry.Key.SequenceEqual(ReservedKeys.Error))
                    {
                        answers = true;
                        tag = entry.Value;
                    }
                    else if (entry.Key.SequenceEqual(ReservedKeys.ErrorCode) && entry.Value.SequenceEqual("LAYER_CHANGE_CONFLICT"u8))
                    {
                        conflict = true;
                    }
                }

                if ((answers && conflict) || held.Slice(0, length).SequenceEqual(Closing.GoAwayBox.Bytes))
                {
                    // This side's refusal of the peer's crossing change, or its going-away box: made here, they carry
                    // nothing held, and the peer needs them in whichever layer both sides end up.
                    replies.Append(held.Slice(0, length));
                    appended++;
                }
                else if (answers)
                {
                    buffer.Reset();
                    buffer.WriteEntry(ReservedKeys.Error, tag);
                    buffer.WriteEntry(ReservedKeys.ErrorCode, "UNKNOWN"u8);
                    buffer.WriteEntry(ReservedKeys.ErrorDescription, "Unknown Error"u8);
                    buffer.WriteEnd();
                    replies.Append(buffer.WrittenSpan);
                    appended++;
                }

                held = held.Slice(length);
            }
        }
        finally
        {
            BoxBuffer.Return(buffer);
        }

        return appended;
    }
}
