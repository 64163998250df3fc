using Amp.Connection;

namespace Amp.Tests.Unit.Connection;

/// <summary>The table of calls awaiting answers: ring slots for the common case, a dictionary beyond them, failure for all.</summary>
public sealed class PendingCallsTests
{
    [Test]
    public void CallsAreFoundByTagOnceEvenWithFarMoreOutstandingThanRingSlots()
    {
        var pending = new PendingCalls();
        var calls = new Dictionary<ulong, FakeCall>();
        for (int i = 0; i < 5000; i++)
        {
            ulong tag = pending.NextTag();
            calls[tag] = new FakeCall();
            pending.Add(tag, calls[tag]);
        }

        Assert.That(pending.Count, Is.EqualTo(5000));
        foreach (ulong tag in calls.Keys.Reverse())
        {
            Assert.That(pending.TryRemove(tag, out IPendingCall? call), Is.True, $"tag {tag}");
            Assert.That(call, Is.SameAs(calls[tag]));
            Assert.That(pending.TryRemove(tag, out _), Is.False, "a call is taken once");
        }

        Assert.That(pending.Count, Is.Zero);
    }

    [Test]
    public void ATagThatSharesASlotWithAWaitingCallIsNotMistakenForIt()
    {
        var pending = new PendingCalls();
        var old = new FakeCall();
        pending.Add(1, old);
        Assert.That(pending.TryRemove(1 + 1024, out _), Is.False);
        var younger = new FakeCall();
        pending.Add(1 + 1024, younger);
        Assert.That(pending.TryRemove(1 + 1024, out IPendingCall? found), Is.True);
        Assert.That(found, Is.SameAs(younger));
        Assert.That(pending.TryRemove(1, out found), Is.True);
        Assert.That(found, Is.SameAs(old));
    }

    [Test]
    public void AbandonedCallsKeepNothingAndTheirLateAnswersAreRecognisedAsOurs()
    {
        var pending = new PendingCalls();
        ulong seven = pending.NextTag();
        pending.Add(seven, new FakeCall());
        Assert.That(pending.Abandon(seven), Is.True);
        Assert.That(pending.TryRemove(seven, out _), Is.False);
        Assert.That(pending.Count, Is.Zero, "an abandoned call leaves nothing behind");
        Assert.That(pending.WasIssued(seven), Is.True, "its late answer is dropped, not a protocol violation");
        Assert.That(pending.WasIssued(seven + 1), Is.False, "a tag never issued is a protocol violation");
        Assert.That(pending.WasIssued(0), Is.False);

        ulong eight = pending.NextTag();
        pending.Add(eight, new FakeCall());
        Assert.That(pending.TryRemove(eight, out _), Is.True);
        Assert.That(pending.Abandon(eight), Is.False);
    }

    [Test]
    public void ThousandsOfAbandonedCallsLeaveTheTableEmpty()
    {
        var pending = new PendingCalls();
        for (int i = 0; i < 5000; i++)
        {
            ulong tag = pending.NextTag();
            pending.Add(tag, new FakeCall());
            Assert.That(pending.Abandon(tag), Is.True);
        }

        Assert.That(pending.Count, Is.Zero);
    }

    [Test]
    public void FailAllFailsEveryWaitingCallInRingAndOverflowAndRefusesNewOnes()
    {
        var pending = new PendingCalls();
        var calls = new List<FakeCall>();
        for (ulong tag = 1; tag <= 3000; tag++)
        {
            var call = new FakeCall();
            calls.Add(call);
            pending.Add(tag % 7 == 0 ? tag + 1024 * 5 : tag, call);
        }

        var failure = new AmpConnectionLostException(AmpDisconnectReason.RemoteClosed, "gone");
        pending.FailAll(failure);
        pending.FailAll(new AmpConnectionLostException(AmpDisconnectReason.LocallyClosed, "second"));
        Assert.That(calls.TrueForAll(c => c.Failure == failure), Is.True);
        Assert.That(pending.Count, Is.Zero);
        var late = new FakeCall();
        Assert.That(Assert.Throws<AmpConnectionLostException>(() => pending.Add(9999, late)), Is.SameAs(failure));
        Assert.That(late.Failure, Is.Null);
        Assert.That(pending.Count, Is.Zero);
    }

    [Test]
    public async Task ConcurrentAddsRemovesAndAFailureLoseNoCall()
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var pending = new PendingCalls();
            var failure = new AmpConnectionLostException(AmpDisconnectReason.RemoteClosed, "gone");
            var everyCall = new System.Collections.Concurrent.ConcurrentBag<FakeCall>();
            Task[] callers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                for (int i = 0; i < 2000; i++)
                {
                    ulong tag = pending.NextTag();
                    var call = new FakeCall();
                    everyCall.Add(call);
                    try
                    {
                        pending.Add(tag, call);
                    }
                    catch (AmpConnectionLostException)
                    {
                        call.Refused = true;
                        continue;
                    }

                    if (i % 3 == 0 && pending.TryRemove(tag, out IPendingCall? taken))
                    {
                        ((FakeCall)taken!).Answered = true;
                    }
                }
            })).ToArray();
            await Task.Delay(attempt % 5);
            pending.FailAll(failure);
            await Task.WhenAll(callers);

            // Every call ended exactly one way: answered, failed by FailAll, or refused at Add.
            foreach (FakeCall call in everyCall)
            {
                int ways = (call.Answered ? 1 : 0) + (call.Failure is not null ? 1 : 0) + (call.Refused ? 1 : 0);
                Assert.That(ways, Is.EqualTo(1));
            }

            Assert.That(pending.Count, Is.Zero, "nothing is left waiting after FailAll");
        }
    }

    [Test]
    public void ExpiredCallsAreTakenAsAbandonedAndUntimedOrLaterOnesStay()
    {
        var pending = new PendingCalls();
        var early = new FakeCall();
        var late = new FakeCall();
        var untimed = new FakeCall();
        var overflowing = new FakeCall();
        pending.Add(1, early, deadline: 100);
        pending.Add(2, late, deadline: 300);
        pending.Add(3, untimed);
        pending.Add(1 + 1024, overflowing, deadline: 50);   // shares early's slot: kept beside the ring

        var expired = new List<IPendingCall>();
        pending.TakeExpired(200, expired);

        Assert.That(expired, Is.EquivalentTo(new IPendingCall[] { early, overflowing }));
        Assert.That(pending.Count, Is.EqualTo(2));
        Assert.That(pending.TryRemove(1, out _), Is.False, "a timed-out call is taken out");
        Assert.That(pending.TryRemove(1 + 1024, out _), Is.False);
        Assert.That(pending.TryRemove(2, out _), Is.True);
        Assert.That(pending.TryRemove(3, out _), Is.True);
    }

    private sealed class FakeCall : IPendingCall
    {
        public Exception? Failure { get; private set; }

        public bool Answered { get; set; }

        public bool Refused { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }

        public ulong Tag { get; set; }

        public long Deadline { get; set; }

        public Task Completion => Task.CompletedTask;

        public void SetAnswer(ReadOnlySpan<byte> box) => Answered = true;

        public void SetError(string code, string description) => Answered = true;

        public void Fail(Exception exception)
        {
            Assert.That(Failure, Is.Null, "failed twice");
            Failure = exception;
        }
    }
}
