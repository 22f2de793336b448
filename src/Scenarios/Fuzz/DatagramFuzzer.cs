using System.Diagnostics;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;

namespace Sim.Scenarios.Fuzz;

/// <summary>
/// The nightly fuzz (issue 10, item 8): mutated datagrams against every Receive path of every suite.
/// Datagram i takes corpus entry i mod |corpus| and a mutation drawn from its own stream (seed, i), so
/// any one can be tried again alone (<c>--start i --datagrams 1</c>). Two families of mutation:
/// <list type="bullet">
/// <item>outer bytes, as a network would: bit flips, truncation, extension, random bytes of the same
/// length, a splice of two datagrams;</item>
/// <item>the insider's (<see cref="PairInsider"/>: it holds the sender's header keys, so its mutations
/// pass the outer seal and only MLS verification stops them): each <see cref="InsiderMutation"/> of
/// every layer, and random bit flips anywhere in the body, re-sealed. The acceptor's datagrams of w are
/// sealed to the invitation, which only the invitee can open: for them the insider holds the invitation's
/// init key (<see cref="PairInsider.OfInvitation"/>), mutates every layer, the Welcome staple's too
/// (<see cref="PairInsider.InviteeMutations"/>), and re-seals them to the invitation.</item>
/// </list>
/// What it judges, per datagram: Receive must not throw (no exception is documented for it: every one
/// counts); a mutated datagram must not be Delivered; when the outcome says the state did not change
/// (always for Rejected) the receiver's saved bytes must be byte-identical to what they were.
/// </summary>
public sealed class DatagramFuzzer
{
    /// <summary>The outer-byte mutations (the insider's are <see cref="PairInsider.Mutations"/> and <see cref="InsiderBodyBits"/>).</summary>
    public static readonly IReadOnlyList<string> OuterMutations = ["outer:bit_flips", "outer:truncate", "outer:extend", "outer:random_bytes", "outer:splice"];
    public const string InsiderBodyBits = "insider:body_bits";

    private readonly IReadOnlyList<FuzzEntry> _corpus;
    private readonly ulong _seed;
    private readonly IFuzzReceiver?[] _receivers;
    private readonly byte[]?[] _baselines;

    public DatagramFuzzer(IReadOnlyList<FuzzEntry> corpus, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        if (corpus.Count == 0) throw new ArgumentException("the corpus is empty", nameof(corpus));
        _corpus = corpus;
        _seed = seed;
        _receivers = new IFuzzReceiver?[corpus.Count];
        _baselines = new byte[]?[corpus.Count];
    }

    /// <summary>Every mutation name an entry can get: outer ones always, the insider's when it holds a key for the entry.</summary>
    public static IReadOnlyList<string> MutationsFor(FuzzEntry entry) => entry.Insider is null
        ? OuterMutations
        : [.. OuterMutations, .. (entry.Insider.HoldsInvitation ? PairInsider.InviteeMutations : PairInsider.Mutations).Select(m => "insider:" + m), InsiderBodyBits];

    /// <summary>Tries datagrams <paramref name="start"/> .. <paramref name="start"/> + <paramref name="count"/> − 1; <paramref name="progress"/> gets (done, total) now and then.</summary>
    public FuzzResult Run(long start, long count, Action<long, long>? progress = null, CancellationToken cancel = default)
    {
        var result = new FuzzResult();
        var clock = Stopwatch.StartNew();
        for (long n = 0; n < count; n++)
        {
            cancel.ThrowIfCancellationRequested();
            long i = start + n;
            int index = (int)(i % _corpus.Count);
            var entry = _corpus[index];
            var random = new DeterministicRandomSource(_seed, $"fuzz/{i}");
            var names = MutationsFor(entry);
            string mutation = names[(int)random.NextUInt64((ulong)names.Count)];
            var bytes = Mutate(entry, index, mutation, random);
            if (bytes is null || bytes.AsSpan().SequenceEqual(entry.Datagram))
            {
                result.NotApplicable++;
                continue;
            }
            Try(result, i, index, entry, mutation, bytes);
            if (progress is not null && (n + 1) % 1000 == 0) progress(n + 1, count);
        }
        result.Elapsed = clock.Elapsed;
        return result;
    }

    private void Try(FuzzResult result, long i, int index, FuzzEntry entry, string mutation, byte[] bytes)
    {
        var receiver = _receivers[index] ??= entry.NewReceiver();
        var before = _baselines[index] ??= receiver.Save();
        result.Count(entry, mutation);
        ReceiveOutcome outcome;
        try { outcome = receiver.Receive(bytes); }
        catch (Exception e)
        {
            result.Violation(i, entry, mutation, $"{entry.Path} threw {e.GetType().Name}: {e.Message}", FuzzResult.Exception);
            Reset(index);
            return;
        }
        result.Outcome(entry, outcome is Rejected r ? "Rejected:" + r.Reason : outcome.GetType().Name);
        if (outcome is Delivered d)
        {
            bool same = d.Payload.AsSpan().SequenceEqual(entry.Payload);
            result.Violation(i, entry, mutation, $"a mutated datagram was Delivered ({(same ? "the original's payload" : "a payload other than the original's")})", FuzzResult.AlteredDelivered);
            Reset(index);
            return;
        }
        if (outcome.StateChanged && outcome is not Rejected)
        {
            // Legitimate (e.g. an authentic staple taken from a datagram whose payload was altered): start again from the saved state.
            result.StateChanges++;
            Reset(index);
            return;
        }
        if (!receiver.Save().AsSpan().SequenceEqual(before))
        {
            result.Violation(i, entry, mutation, $"the outcome {outcome} said nothing changed, but the saved state differs", FuzzResult.StateNotIdentical);
            Reset(index);
        }
    }

    private void Reset(int index)
    {
        _receivers[index] = null;
        _baselines[index] = null;
    }

    private byte[]? Mutate(FuzzEntry entry, int index, string mutation, IRandomSource random)
    {
        var d = entry.Datagram;
        switch (mutation)
        {
            case "outer:bit_flips":
            {
                var copy = (byte[])d.Clone();
                int bits = 1 + (int)random.NextUInt64(8);
                for (int b = 0; b < bits; b++)
                {
                    ulong bit = random.NextUInt64((ulong)copy.Length * 8);
                    copy[bit / 8] ^= (byte)(1 << (int)(bit % 8));
                }
                return copy;
            }
            case "outer:truncate": return d[..(int)random.NextUInt64((ulong)d.Length)];
            case "outer:extend": return [.. d, .. random.NextBytes(1 + (int)random.NextUInt64(64))];
            case "outer:random_bytes": return random.NextBytes(d.Length);
            case "outer:splice":
            {
                var other = _corpus[(index + 1 + (int)random.NextUInt64((ulong)Math.Max(1, _corpus.Count - 1))) % _corpus.Count].Datagram;
                int cut = (int)random.NextUInt64((ulong)Math.Min(d.Length, other.Length));
                return [.. d[..cut], .. other[cut..]];
            }
            case InsiderBodyBits: return entry.Insider!.FlipBodyBits(d, 1 + (int)random.NextUInt64(8), random);
            default:
                var kind = Enum.Parse<InsiderMutation>(mutation["insider:".Length..]);
                return entry.Insider!.Mutate(d, kind, random);
        }
    }
}
