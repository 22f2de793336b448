using Akka.Actor;
using Sim.Engine.Baselines;
using Sim.Simulator.Agents;

namespace Sim.Simulator.Service;

/// <summary>
/// A central delivery service between the two parties (PAIRMLS.md "Baselines"), with its own links
/// through the network actor: each party's datagrams travel the network to it, it orders commits
/// (<see cref="DeliveryServiceCore"/>: first commit per epoch wins) and its forwards travel the
/// network again to the parties. Its <see cref="DeliveryServicePolicy"/> may withhold or delay its
/// victim's commits, or all its traffic, or make it unreachable for a while. It judges only what it
/// can read from a datagram (<see cref="DsView"/>): a sealed PairMLS datagram through it is opaque,
/// so "withhold commits" cannot find any there. Like every actor of a world it keeps no clock.
/// </summary>
public sealed class DeliveryServiceActor : ReceiveActor
{
    /// <summary>A datagram from <paramref name="From"/> reaches the service; <paramref name="Held"/>: released after a delay it imposed. Reply: <see cref="Routed"/>.</summary>
    public sealed record Arrive(long NowMs, Party From, byte[] Datagram, bool Held = false);

    /// <summary>
    /// What the service does: forwards (bytes for a party, now), a hold (process the same datagram again
    /// at <paramref name="HoldUntilMs"/>), what it did to the datagram (null: ordinary service; otherwise
    /// a <see cref="Network.FaultNames"/>-style name), and what it read.
    /// </summary>
    public sealed record Routed(IReadOnlyList<(Party To, byte[] Bytes)> Forwards, long? HoldUntilMs, string? Action, DsView View);

    private readonly DeliveryServicePolicy _policy;
    private readonly DeliveryServiceCore _core = new();

    public DeliveryServiceActor(DeliveryServicePolicy policy)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        Receive<Arrive>(m =>
        {
            object reply;
            try { reply = OnArrive(m); }
            catch (Exception e) { reply = new Status.Failure(e); }
            Sender.Tell(reply);
        });
    }

    public static Props Props(DeliveryServicePolicy policy) => Akka.Actor.Props.Create(() => new DeliveryServiceActor(policy));

    /// <summary>Service names of what a delivery service did to a datagram, for the trace.</summary>
    public const string Unreachable = "ds_unreachable";
    public const string Withheld = "ds_withheld";
    public const string Delayed = "ds_delayed";

    private Routed OnArrive(Arrive m)
    {
        var view = DsView.Of(m.Datagram);
        if (!m.Held && _policy.Unreachable(m.NowMs)) return new Routed([], null, Unreachable, view);
        if (!m.Held && _policy.Targets(m.From, m.NowMs))
        {
            switch (_policy.Malice)
            {
                case DsMalice.WithholdAll:
                case DsMalice.WithholdCommits when view.Kind == DsKind.Commit:
                    return new Routed([], null, Withheld, view);
                case DsMalice.DelayCommits when view.Kind == DsKind.Commit:
                    return new Routed([], m.NowMs + Math.Max(0, _policy.DelayMs), Delayed, view);
            }
        }
        var (toPeer, toSender, _) = _core.Route(m.Datagram);
        var forwards = toPeer.Select(b => (m.From.Peer(), b)).Concat(toSender.Select(b => (m.From, b))).ToList();
        return new Routed(forwards, null, null, view);
    }
}
