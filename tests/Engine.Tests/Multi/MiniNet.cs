using Sim.Engine.Crypto;
using Sim.Engine.Multi;

namespace Sim.Engine.Tests.Multi;

/// <summary>
/// A test double for the network inside the engine's own tests: FIFO delivery of every datagram,
/// a cut between two sets of names while <see cref="Split"/> is set, and ticks every 100 ms.
/// The simulator's worlds are the real harness; this only drives <see cref="GroupMember"/>s.
/// </summary>
internal sealed class MiniNet
{
    private readonly Queue<(string From, Outgoing Datagram)> _queue = new();
    private readonly List<(string From, Outgoing Datagram)> _held = [];

    public MiniNet(MultiOptions options, ulong seed, params string[] names)
    {
        var root = new DeterministicRandomSource(seed, "mini-net");
        foreach (var n in names) Members[n] = new GroupMember(n, options, root.Derive(n));
        var ids = Members.Values.Select(m => m.Identity).ToList();
        foreach (var m in Members.Values) m.Verify(ids);
        if (options.Strategy == MultiStrategy.Sequenced) Ds = new Sequencer(names, 1);
    }

    public Dictionary<string, GroupMember> Members { get; } = [];
    public Sequencer? Ds { get; }
    public List<(string Member, MemberObservation Seen)> Observations { get; } = [];
    public long NowMs { get; private set; }
    public HashSet<string>? Split { get; set; }
    public int Sent { get; private set; }

    /// <summary>
    /// a, b | c, d split: a and c commit concurrently for epoch 1, each sends one message on its branch, and 300 ms
    /// pass. Returns the net still split (the fork of the retention and PCS tests).
    /// </summary>
    public static MiniNet ForkedAcrossSplit(MultiOptions options, ulong seed)
    {
        var net = new MiniNet(options, seed, "a", "b", "c", "d");
        net.Found("a", "b", "c", "d");
        net.Split = ["a", "b"];
        net.Take("a", net.Members["a"].Update(0));
        net.Take("c", net.Members["c"].Update(0));
        net.Deliver();
        net.Take("a", net.Members["a"].SendApplication(1, 32, 10));
        net.Take("c", net.Members["c"].SendApplication(2, 32, 10));
        net.Run(300);
        return net;
    }

    public void Found(params string[] names) =>
        GroupMember.Found(Members[names[0]], [.. names.Skip(1).Select(n => Members[n])], "mini"u8.ToArray());

    /// <summary>Send groups: every named member founds its own group with all the others.</summary>
    public void FoundSendGroups(params string[] names) => GroupMember.FoundSendGroups([.. names.Select(n => Members[n])]);

    /// <summary>While set, datagrams it matches (from, datagram) are held back like a split's, until <see cref="Release"/> or <see cref="Heal"/>.</summary>
    public Func<string, Outgoing, bool>? Withhold { get; set; }

    /// <summary>Delivers the held datagrams that neither the split nor <see cref="Withhold"/> holds any more, in the order they were held.</summary>
    public void Release()
    {
        var free = _held.Where(h => !Cut(h.From, h.Datagram.To) && Withhold?.Invoke(h.From, h.Datagram) != true).ToList();
        _held.RemoveAll(free.Contains);
        foreach (var h in free) _queue.Enqueue(h);
        Deliver();
    }

    /// <summary>Sees every datagram as it is sent (an attacker on the wire).</summary>
    public Action<Outgoing>? Tap { get; set; }

    public void Take(string from, MemberStep step)
    {
        foreach (var s in step.Sends) { Tap?.Invoke(s); _queue.Enqueue((from, s)); }
        foreach (var o in step.Observations) Observations.Add((from, o));
    }

    private bool Cut(string a, string b) => Split is { } s && (s.Contains(a) != s.Contains(b));

    /// <summary>The split ends; what it held back is delivered (store and forward, as a replicating mesh does).</summary>
    public void Heal()
    {
        Split = null;
        Withhold = null;
        foreach (var h in _held) _queue.Enqueue(h);
        _held.Clear();
        Deliver();
    }

    public void Deliver()
    {
        while (_queue.TryDequeue(out var next))
        {
            var (from, d) = next;
            if (Cut(from, d.To) || Withhold?.Invoke(from, d) == true) { _held.Add(next); continue; }
            Sent++;
            if (d.To == Sequencer.Name) { foreach (var o in Ds!.Receive(d.Bytes)) _queue.Enqueue((Sequencer.Name, o)); }
            else if (Members.TryGetValue(d.To, out var m)) Take(d.To, m.Receive(d.Bytes, NowMs));
        }
    }

    public void Run(long ms)
    {
        for (long end = NowMs + ms; NowMs < end; NowMs += 100)
        {
            foreach (var (name, m) in Members) Take(name, m.Tick(NowMs));
            Deliver();
        }
    }

    /// <summary>200 random byte strings of growing length to <paramref name="name"/>: each is one Rejected with no send, and its epoch authenticator stays the same.</summary>
    public void AssertJunkRejected(string name, ulong seed)
    {
        var member = Members[name];
        var before = member.EpochAuthenticator;
        var random = new Sim.Engine.Crypto.DeterministicRandomSource(seed, "junk");
        for (int i = 0; i < 200; i++)
        {
            var step = member.Receive(Sim.Engine.Crypto.RandomSourceExtensions.NextBytes(random, 1 + i), 0);
            Assert.Empty(step.Sends);
            Assert.IsType<MemberObservation.Rejected>(Assert.Single(step.Observations));
        }
        Assert.Equal(before, member.EpochAuthenticator);
    }

    public IEnumerable<T> Seen<T>() where T : MemberObservation => Observations.Select(o => o.Seen).OfType<T>();
}
