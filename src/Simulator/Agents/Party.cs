using Sim.Simulator.Network;

namespace Sim.Simulator.Agents;

/// <summary>The two parties of a world: Alice invites (PAIRMLS.md "Creating a conversation", step 1), Bob accepts.</summary>
public enum Party
{
    Alice,
    Bob,
}

public static class PartyExtensions
{
    /// <summary>The name the trace uses: "alice" or "bob".</summary>
    public static string Name(this Party party) => party switch
    {
        Party.Alice => "alice",
        Party.Bob => "bob",
        _ => throw new ArgumentOutOfRangeException(nameof(party), party, "unknown party"),
    };

    public static Party Peer(this Party party) => party == Party.Alice ? Party.Bob : Party.Alice;

    /// <summary>The link a datagram from <paramref name="sender"/> travels on.</summary>
    public static LinkDirection LinkFrom(this Party sender) => sender == Party.Alice ? LinkDirection.AliceToBob : LinkDirection.BobToAlice;

    /// <summary>The party at the receiving end of <paramref name="link"/> (one-way links only).</summary>
    public static Party ReceiverOf(LinkDirection link) => link switch
    {
        LinkDirection.AliceToBob => Party.Bob,
        LinkDirection.BobToAlice => Party.Alice,
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "a datagram travels one way"),
    };
}
