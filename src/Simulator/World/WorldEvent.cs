using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Simulator;

/// <summary>Something scheduled in a world's <see cref="EventQueue{T}"/>.</summary>
internal abstract record WorldEvent
{
    /// <summary>A user script op falls due.</summary>
    public sealed record ScriptDue(ScriptOp Op) : WorldEvent;
    /// <summary>The network delivers bytes to the receiving end of their link.</summary>
    public sealed record DeliveryDue(NetworkActor.Delivery Delivery) : WorldEvent;
    /// <summary>The network brings a party's datagram to the delivery service (<paramref name="Held"/>: the service held it and now takes it up again).</summary>
    public sealed record AtService(NetworkActor.Delivery Delivery, Party From, bool Held = false) : WorldEvent;
    /// <summary>A crashed party's down time is over.</summary>
    public sealed record RestartDue(Party Party) : WorldEvent;
    /// <summary>An offline party's offline time is over.</summary>
    public sealed record OnlineDue(Party Party) : WorldEvent;
}
