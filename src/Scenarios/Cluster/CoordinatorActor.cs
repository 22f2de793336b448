using Akka.Actor;
using Akka.Cluster;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// Hands out a job's items to the cluster's workers and gathers their rows. It finds workers by
/// membership (every member of role worker that is Up or WeaklyUp gets a <see cref="WorkerHello"/>),
/// keeps at most each worker's capacity in flight with it, and gives the next item as each row comes
/// back, so faster nodes take more. A worker that becomes unreachable or leaves has its unfinished
/// items put back at the head of the queue (another worker runs them: the same worlds, so the same
/// rows) and is downed, so the cluster converges again and late joiners become Up. A row that comes
/// twice (an item run again after its first worker was given up on) is counted once.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor, IWithTimers
{
    private sealed record Tick;

    private sealed class WorkerState(IActorRef worker, int capacity)
    {
        public IActorRef Ref { get; } = worker;
        public int Capacity { get; } = capacity;
        public HashSet<int> InFlight { get; } = [];
    }

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IReadOnlyList<WorkItem> _items;
    private readonly ClusterJob _job;
    private readonly LinkedList<int> _queue = new();
    private readonly bool[] _done;
    private int _doneCount;
    private readonly Dictionary<Address, WorkerState> _workers = [];
    private readonly HashSet<Address> _candidates = [];
    private readonly Dictionary<Address, int> _rowsBy = [];
    private int _reassigned;
    private DateTime _lastWorker = DateTime.UtcNow;
    // Throughput and the coordinator's CPU are counted from the first worker's arrival (joining the cluster is not per-world work).
    private System.Diagnostics.Stopwatch? _working;
    private TimeSpan _cpuAtFirstWorker;

    public ITimerScheduler Timers { get; set; } = null!;

    public CoordinatorActor(IReadOnlyList<WorkItem> items, ClusterJob job)
    {
        _items = items;
        _job = job;
        _done = new bool[items.Count];
        for (int i = 0; i < items.Count; i++) _queue.AddLast(i);

        Receive<ClusterEvent.MemberUp>(e => Consider(e.Member));
        Receive<ClusterEvent.MemberWeaklyUp>(e => Consider(e.Member));
        Receive<ClusterEvent.UnreachableMember>(e => Lose(e.Member.Address, down: true));
        Receive<ClusterEvent.MemberRemoved>(e => Lose(e.Member.Address, down: false));
        Receive<ClusterEvent.MemberExited>(e => Lose(e.Member.Address, down: false));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.IReachabilityEvent>(_ => { });
        Receive<WorkerReady>(r => Register(Sender, r.Capacity));
        Receive<WorkDone>(d => Finished(d));
        Receive<WorkFailed>(f => _job.Fail(new InvalidOperationException($"item {f.Index} failed on {Sender.Path.Address}: {f.Error}")));
        Receive<Terminated>(t => Lose(t.ActorRef.Path.Address, down: false));
        Receive<Tick>(_ => OnTick());
    }

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("tick", new Tick(), TimeSpan.FromSeconds(1));
        if (_items.Count == 0) _job.Complete(Stats());
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    public static Props Props(IReadOnlyList<WorkItem> items, ClusterJob job) => Akka.Actor.Props.Create(() => new CoordinatorActor(items, job));

    private void Consider(Member member)
    {
        if (!member.HasRole(ClusterNode.Worker) || _workers.ContainsKey(member.Address)) return;
        _candidates.Add(member.Address);
        Hello(member.Address);
    }

    private void Hello(Address address) =>
        Context.ActorSelection(new RootActorPath(address) / "user" / WorkerActor.Name).Tell(new WorkerHello());

    private void Register(IActorRef worker, int capacity)
    {
        var address = worker.Path.Address;
        if (!_candidates.Remove(address) || capacity < 1) return; // not a member we asked (or lost since)
        if (_working is null)
        {
            _working = System.Diagnostics.Stopwatch.StartNew();
            _cpuAtFirstWorker = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        }
        _workers[address] = new WorkerState(worker, capacity);
        Context.Watch(worker);
        _job.Say($"cluster: worker {address.Host}:{address.Port} joined ({capacity} at once; {_workers.Count} workers)");
        Dispatch();
    }

    private void Lose(Address address, bool down)
    {
        _candidates.Remove(address);
        if (!_workers.Remove(address, out var state)) return;
        // Its unfinished items go first, so the sweep does not end waiting on them.
        foreach (var i in state.InFlight.Where(i => !_done[i]).OrderByDescending(i => i)) { _queue.AddFirst(i); _reassigned++; }
        _job.Say($"cluster: worker {address.Host}:{address.Port} lost; {state.InFlight.Count(i => !_done[i])} unfinished worlds handed to others");
        if (down) _cluster.Down(address);
        _lastWorker = DateTime.UtcNow;
        Dispatch();
    }

    private void Finished(WorkDone d)
    {
        var address = Sender.Path.Address;
        foreach (var w in _workers.Values) w.InFlight.Remove(d.Index);
        if (d.Index >= 0 && d.Index < _done.Length && !_done[d.Index])
        {
            _done[d.Index] = true;
            _doneCount++;
            _rowsBy[address] = _rowsBy.GetValueOrDefault(address) + 1;
            if (!_job.Row(d.Index, d.Payload)) return;
            if (_doneCount == _done.Length) { _job.Complete(Stats()); return; }
        }
        Dispatch();
    }

    private void Dispatch()
    {
        foreach (var w in _workers.Values)
        {
            while (w.InFlight.Count < w.Capacity && _queue.First is { } first)
            {
                _queue.RemoveFirst();
                int i = first.Value;
                if (_done[i]) continue;
                w.InFlight.Add(i);
                w.Ref.Tell(_items[i]);
            }
        }
    }

    private void OnTick()
    {
        foreach (var a in _candidates) Hello(a); // a hello sent while the member was still connecting
        if (_workers.Count > 0) { _lastWorker = DateTime.UtcNow; return; }
        if (DateTime.UtcNow - _lastWorker > _job.WorkerWait)
            _job.Fail(new TimeoutException($"no worker in the cluster at {_job.SeedText} for {_job.WorkerWait.TotalSeconds:F0} s ({_doneCount} of {_done.Length} worlds done); start workers with `pairsim node --role worker --seed-nodes {_job.SeedText}`"));
    }

    private ClusterStats Stats() => new(
        _rowsBy.OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal).Select(kv => ($"{kv.Key.Host}:{kv.Key.Port}", kv.Value)).ToList(), _reassigned)
    {
        Working = _working?.Elapsed ?? TimeSpan.Zero,
        CoordinatorCpu = _working is null ? TimeSpan.Zero : System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpuAtFirstWorker,
    };
}
