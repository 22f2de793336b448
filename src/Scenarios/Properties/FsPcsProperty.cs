using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Trace;

namespace Sim.Scenarios.Properties;

/// <summary>
/// PAIRMLS.md "FS / PCS". An attacker steals a party's disk at virtual time t (the scenario's
/// capture: the bytes its PartyActor last persisted once every event at or before t ran), loads it
/// with <see cref="PairSession.Load"/> and a random source of its own, and is fed every datagram of
/// the run in the order sent. It must not get Delivered for
/// <list type="bullet">
/// <item>forward secrecy: a payload the party had already Delivered at or before t (its keys were
/// consumed and deleted before the theft);</item>
/// <item>post-compromise security: a payload sent in an epoch after one full round trip of commits
/// after t: the party's first own commit after t (its fresh UpdatePath, from randomness the
/// attacker lacks), then the peer's first commit on top of it. Every epoch from that one on is out
/// of reach.</item>
/// </list>
/// Datagrams between t and the round trip may be read: that is the window PCS allows. A capture
/// before the party saved anything (not joined yet) holds vacuously.
/// </summary>
public sealed class FsPcsProperty()
    : ScenarioProperty("FsPcs",
        "A copy of a party's state stolen at time t opens no message whose keys were deleted before t, and none sent after one round trip of commits after t.",
        new GenOptions { Capture = true },
        "every fault, crash and offline; no restore (a rollback re-installs deleted keys on purpose)")
{
    public override PropertyVerdict Judge(Scenario scenario, WorldResult result)
    {
        if (result.Captures.FirstOrDefault() is not { } capture) return new PropertyVerdict(true, "no capture=party@ms in the scenario: no attacker, nothing to judge");
        string me = capture.Party.Name(), peer = capture.Party.Peer().Name();
        if (capture.State is not { } stolen) return new PropertyVerdict(true, $"{me} had saved nothing at t={capture.AtMs}ms (not joined): nothing to steal");
        var trace = result.Trace.Events;
        long t = capture.AtMs;

        // Forward secrecy: what the party had consumed by t.
        var consumed = trace.OfType<OutcomeEvent>().Where(e => e.IsDelivered && e.Party == me && e.T <= t && e.PayloadId is not null)
            .GroupBy(e => e.PayloadId!.Value).ToDictionary(g => g.Key, g => g.First());

        // Post-compromise security: the party's own first commit after t, then the peer's first commit after that.
        var ownCommit = trace.OfType<EpochEvent>().FirstOrDefault(e => e.Party == me && e.T > t && e.Committer == me);
        var peerCommit = ownCommit?.Epoch is { } e1
            ? trace.OfType<EpochEvent>().FirstOrDefault(e => e.Seq > ownCommit.Seq && e.Epoch > e1 && e.Committer == peer)
            : null;
        ulong? healed = peerCommit?.Epoch;

        var options = PairOptions.Default with { Suite = scenario.Suite, RetentionWindow = scenario.RetentionWindow };
        var attacker = PairSession.Load(stolen, options, new DeterministicRandomSource(scenario.Seed, "fs-pcs-attacker"));
        int read = 0;
        foreach (var d in result.Datagrams)
        {
            if (attacker.Receive(d.Bytes) is not Delivered got) continue;
            read++;
            long? pid = Payload.IdOf(got.Payload);
            var sendEvent = trace.OfType<SendEvent>().FirstOrDefault(e => e.Datagram == d.Id);
            if (pid is { } p && consumed.TryGetValue(p, out var before))
                return new PropertyVerdict(false,
                    $"forward secrecy: the attacker with {me}'s state from t={t}ms read payload {p} (datagram {d.Id}), which {me} had Delivered at t={before.T}ms (seq {before.Seq}), before the theft",
                    sendEvent);
            if (healed is { } h && d.Epoch >= h)
                return new PropertyVerdict(false,
                    $"post-compromise security: the attacker with {me}'s state from t={t}ms read payload {pid} of epoch {d.Epoch} (datagram {d.Id}, sent at t={d.T}ms), after the round trip of commits {ownCommit!.Epoch} ({me}) and {h} ({peer})",
                    sendEvent);
        }
        string heal = healed is { } x ? $"healed from epoch {x}" : "no full round trip of commits after t";
        return new PropertyVerdict(true, $"attacker with {me}'s state from t={t}ms read {read} of {result.Datagrams.Count} datagrams, none consumed before t; {heal}");
    }
}
