using Sim.Engine.Crypto;
using Sim.Engine.Pair;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// PAIRMLS.md "State stays bounded" (issue 16, item 4): the saved state's size after 10 and after
/// 5,000 datagrams sent in one epoch, per suite (a size, not a time: deterministic, so a plain
/// command). Usage: <c>pair-state-size [suite]</c> (default: every suite).
/// </summary>
internal static class PairStateSize
{
    public static int Run(string[] args)
    {
        ushort[] suites = [1, 2, 3, 4, 5, 6, 7];
        if (args.Length > 0)
        {
            if (!ushort.TryParse(args[0], out var one) || one is < 1 or > 7)
            {
                Console.Error.WriteLine($"pair-state-size: suite must be 1..7, not '{args[0]}'");
                return 2;
            }
            suites = [one];
        }
        Console.WriteLine($"loadavg={File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var suite in suites)
        {
            var options = PairOptions.Default with { Suite = suite };
            var random = new DeterministicRandomSource(5, "pair-state-size");
            using var invitation = Invitation.Create(Sim.Engine.Identity.Card.Create("Alice"), options, random.Derive("alice"));
            var bob = PairSession.Accept(invitation.Public, Sim.Engine.Identity.Card.Create("Bob"), null, options, random.Derive("bob"));
            var alice = invitation.TryJoin(bob.Send(new byte[100]).Datagram, out _)!;
            bob.Receive(alice.Send(new byte[100]).Datagram);
            int after10 = 0, after5000 = 0;
            for (int i = 1; i <= 5000; i++)
            {
                var sent = bob.Send(new byte[100]);
                if (i == 10) after10 = sent.State.Length;
                if (i == 5000) after5000 = sent.State.Length;
            }
            Console.WriteLine($"suite={suite} saved_bytes_after_10={after10} saved_bytes_after_5000={after5000} ratio={(double)after5000 / after10:F3}");
        }
        Console.WriteLine($"loadavg={File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }
}
