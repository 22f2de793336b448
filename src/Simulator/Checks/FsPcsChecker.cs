using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Sim.Simulator.Agents;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "FS / PCS". An attacker steals a party's disk at virtual time t (a
/// <see cref="CapturedState"/>: the bytes its PartyActor last persisted once every event at or
/// before t ran) and holds every datagram of the run. It must not read
/// <list type="bullet">
/// <item>forward secrecy: a payload the party had already Delivered at or before t (its keys were
/// consumed and deleted before the theft);</item>
/// <item>post-compromise security: a payload sent in an epoch after one full round trip of commits
/// after t: the party's first own commit after t (its fresh UpdatePath, from randomness the
/// attacker lacks), then the peer's first commit on top of it. Every epoch from that one on is out
/// of reach.</item>
/// </list>
/// Datagrams between t and the round trip may be read: that is the window PCS allows. Two attackers
/// judge it: the engine's own <see cref="PairSession.Load"/> of the stolen bytes fed every datagram
/// in the order sent (what the protocol lets a thief do), and the <see cref="SavedBytesAttacker"/>,
/// which trusts no bookkeeping and tries every key-sized window of the bytes in every role, on a
/// sample of the datagrams that matter (the <see cref="FsSample"/> payloads the party Delivered last
/// before t, and the first and the last datagram of each sender in the first <see cref="PcsEpochs"/> epochs after
/// the round trip): leftover key material fails the world whatever the engine believes it deleted.
/// A capture before the party saved anything (not joined yet) holds vacuously.
/// </summary>
public static class FsPcsChecker
{
    public const string Name = "FsPcs";

    /// <summary>Consumed payloads the saved-bytes attacker tries (the latest before the theft).</summary>
    public const int FsSample = 3;

    /// <summary>Epochs after the round trip whose first and last datagram per sender the saved-bytes attacker tries.</summary>
    public const int PcsEpochs = 1;

    /// <summary>Both attackers: the engine's loader first, then the saved-bytes attacker.</summary>
    public static Verdict Check(CapturedState? capture, IReadOnlyList<SentDatagram> datagrams, IReadOnlyList<TraceEvent> trace, PairOptions options, ulong seed)
    {
        var loaded = CheckLoaded(capture, datagrams, trace, options, seed);
        if (!loaded.Passed || capture?.State is null) return loaded;
        var raw = CheckSavedBytes(capture, datagrams, trace, options);
        return raw.Passed ? Verdict.Pass(Name, $"{loaded.Detail}; {raw.Detail}") : raw;
    }

    /// <summary>What the stolen bytes alone open: <see cref="SavedBytesAttacker"/> on the sample of the datagrams that matter.</summary>
    public static Verdict CheckSavedBytes(CapturedState? capture, IReadOnlyList<SentDatagram> datagrams, IReadOnlyList<TraceEvent> trace, PairOptions options)
    {
        if (Theft(capture, datagrams, trace, options) is not { } theft) return Verdict.Pass(Name, "nothing stolen");
        var (me, t, stolen, consumed, healed, roundTrip) = theft;
        var raw = new SavedBytesAttacker(CipherSuite.Get(options.Suite), stolen, datagrams);
        var fsTargets = consumed.Values.OrderByDescending(e => e.Seq)
            .Select(e => datagrams.FirstOrDefault(d => d.From == capture!.Party.Peer() && d.PayloadId == e.PayloadId))
            .OfType<SentDatagram>().Take(FsSample).ToList();
        foreach (var d in fsTargets)
            if (raw.Read(d) is { } reading)
                return Verdict.Fail(Name, SendOf(trace, d),
                    $"forward secrecy: the saved bytes of {me} from t={t}ms still hold key material for payload {reading.PayloadId} (datagram {d.Id}), which {me} had Delivered before the theft: {reading.How}");
        var pcsTargets = healed is { } healedAt
            ? datagrams.Where(d => d.Epoch >= healedAt && d.Epoch < healedAt + PcsEpochs).GroupBy(d => (d.From, d.Epoch))
                .SelectMany(g => new[] { g.First(), g.Last() }).Distinct().ToList()
            : [];
        foreach (var d in pcsTargets)
            if (raw.Read(d) is { } reading)
                return Verdict.Fail(Name, SendOf(trace, d),
                    $"post-compromise security: the saved bytes of {me} from t={t}ms open datagram {d.Id} of epoch {d.Epoch} (payload {reading.PayloadId}), {roundTrip}: {reading.How}");
        var (secrets, keys) = raw.Candidates;
        return Verdict.Pass(Name,
            $"the saved bytes ({stolen.Length} B: {secrets} secret-sized and {keys} key-sized windows) opened none of {fsTargets.Count} consumed and {pcsTargets.Count} post-heal datagrams");
    }

    private sealed record TheftFacts(string Me, long T, byte[] Stolen, Dictionary<long, OutcomeEvent> Consumed, ulong? Healed, string RoundTrip);

    private static SendEvent? SendOf(IReadOnlyList<TraceEvent> trace, SentDatagram d) => trace.OfType<SendEvent>().FirstOrDefault(e => e.Datagram == d.Id);

    private static TheftFacts? Theft(CapturedState? capture, IReadOnlyList<SentDatagram> datagrams, IReadOnlyList<TraceEvent> trace, PairOptions options)
    {
        ArgumentNullException.ThrowIfNull(datagrams);
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(options);
        if (capture?.State is not { } stolen) return null;
        string me = capture.Party.Name(), peer = capture.Party.Peer().Name();
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
        return new TheftFacts(me, t, stolen, consumed, healed, healed is { } h ? $"after the round trip of commits {ownCommit!.Epoch} ({me}) and {h} ({peer})" : "");
    }

    /// <summary>What the engine's own loader of the stolen bytes reads, fed every datagram in the order sent.</summary>
    public static Verdict CheckLoaded(CapturedState? capture, IReadOnlyList<SentDatagram> datagrams, IReadOnlyList<TraceEvent> trace, PairOptions options, ulong seed)
    {
        if (capture is null) return Verdict.Pass(Name, "no capture=party@ms in the scenario: no attacker, nothing to judge");
        if (Theft(capture, datagrams, trace, options) is not { } theft) return Verdict.Pass(Name, $"{capture.Party.Name()} had saved nothing at t={capture.AtMs}ms (not joined): nothing to steal");
        var (me, t, stolen, consumed, healed, roundTrip) = theft;

        var attacker = PairSession.Load(stolen, options, new DeterministicRandomSource(seed, "fs-pcs-attacker"));
        int read = 0;
        foreach (var d in datagrams)
        {
            if (attacker.Receive(d.Bytes) is not Delivered got) continue;
            read++;
            long? pid = Payload.IdOf(got.Payload);
            if (pid is { } p && consumed.TryGetValue(p, out var before))
                return Verdict.Fail(Name, SendOf(trace, d),
                    $"forward secrecy: the attacker with {me}'s state from t={t}ms read payload {p} (datagram {d.Id}), which {me} had Delivered at t={before.T}ms (seq {before.Seq}), before the theft");
            if (healed is { } h && d.Epoch >= h)
                return Verdict.Fail(Name, SendOf(trace, d),
                    $"post-compromise security: the attacker with {me}'s state from t={t}ms read payload {pid} of epoch {d.Epoch} (datagram {d.Id}, sent at t={d.T}ms), {roundTrip}");
        }

        string heal = healed is { } x ? $"healed from epoch {x}" : "no full round trip of commits after t";
        return Verdict.Pass(Name, $"attacker with {me}'s state from t={t}ms read {read} of {datagrams.Count} datagrams, none consumed before t; {heal}");
    }
}
