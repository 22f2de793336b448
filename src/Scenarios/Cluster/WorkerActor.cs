using Akka.Actor;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// A worker node's one actor (<c>/user/worker</c>): answers a coordinator's <see cref="WorkerHello"/>
/// with its capacity and runs each <see cref="WorkItem"/> it gets in the node's simulator actor system
/// (the coordinator never sends more than the capacity at once), replying <see cref="WorkDone"/> or
/// <see cref="WorkFailed"/> to whoever sent it.
/// </summary>
public sealed class WorkerActor : ReceiveActor
{
    public const string Name = "worker";

    public WorkerActor(int capacity, ActorSystem simulator, Action<WorkItem>? started = null)
    {
        Receive<WorkerHello>(_ => Sender.Tell(new WorkerReady(capacity)));
        Receive<WorkItem>(item =>
        {
            started?.Invoke(item);
            var replyTo = Sender;
            var self = Self; // the reply must name this worker: the coordinator counts in-flight worlds per worker
            // The world runs off the actor's thread; its reply goes straight back to the coordinator.
            _ = Task.Run(async () =>
            {
                IClusterMessage reply;
                try { reply = new WorkDone(item.Index, await ClusterJobs.RunAsync(item.Kind, item.Payload, simulator).ConfigureAwait(false)); }
                catch (Exception e) { reply = new WorkFailed(item.Index, $"{e.GetType().Name}: {e.Message}"); }
                replyTo.Tell(reply, self);
            });
        });
    }

    public static Props Props(int capacity, ActorSystem simulator, Action<WorkItem>? started = null) =>
        Akka.Actor.Props.Create(() => new WorkerActor(capacity, simulator, started));
}
