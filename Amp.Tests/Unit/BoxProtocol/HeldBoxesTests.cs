using Amp.BoxProtocol;
using System.Buffers;
using Amp.Boxes;
using Amp.Connection;

namespace Amp.Tests.Unit.BoxProtocol;

/// <summary>What replaces the boxes held behind a refused StartTLS: a bare UNKNOWN error for each answer, nothing for calls.</summary>
public sealed class HeldBoxesTests
{
    [Test]
    public void EachHeldAnswerOrErrorBecomesABareUnknownErrorAndCallsAreDropped()
    {
        byte[] held = Concat(
            new AmpBox().SetString("_command", "Sum").SetString("_ask", "c1").SetString("a", "1"),
            new AmpBox().SetString("_answer", "p1").SetString("secret", "the answer"),
            new AmpBox().SetString("_command", "Log").SetString("text", "no answer wanted"),
            new AmpBox().SetString("_error", "p2").SetString("_error_code", "SECRET").SetString("_error_description", "details"));
        var replies = new ByteQueue();

        int appended = HeldBoxes.AppendErrorsFor(held, replies);

        Assert.That(appended, Is.EqualTo(2));
        var sequence = new ReadOnlySequence<byte>(replies.Span.ToArray());
        Assert.That(BoxReader.TryReadBox(ref sequence, AmpLimits.Default, out AmpBox? first), Is.True);
        Assert.That(BoxReader.TryReadBox(ref sequence, AmpLimits.Default, out AmpBox? second), Is.True);
        Assert.That(sequence.IsEmpty, Is.True);
        Assert.That(first!.ToString(), Is.EqualTo(UnknownError("p1").ToString()));
        Assert.That(second!.ToString(), Is.EqualTo(UnknownError("p2").ToString()));
    }

    [Test]
    public void NothingHeldNothingAppended() =>
        Assert.That(HeldBoxes.AppendErrorsFor(ReadOnlySpan<byte>.Empty, new ByteQueue()), Is.Zero);

    private static AmpBox UnknownError(string tag) =>
        new AmpBox().SetString("_error", tag).SetString("_error_code", "UNKNOWN").SetString("_error_description", "Unknown Error");

    private static byte[] Concat(params AmpBox[] boxes)
    {
        var bytes = new ArrayBufferWriter<byte>();
        foreach (AmpBox box in boxes)
        {
            box.WriteTo(bytes);
        }

        return bytes.WrittenSpan.ToArray();
    }
}
