namespace Sim.Scenarios.Reports;

/// <summary>The "how to read this chart" paragraphs, shared by the markdown and HTML reports.</summary>
public static class ChartGuide
{
    public const string Convergence =
        "Each world's chat has one partition (both ways) of length L starting a third of the way in; the point's drops, duplicates " +
        "and reordering go on before, during and after it, until the chat ends and the liveness phase begins. The y axis is the " +
        "virtual time from the moment the partition heals to the first moment both parties are in the same epoch and each has " +
        "decrypted a message the other sent after the heal (the same definition of converged as the Convergence and Liveness " +
        "checkers, counted from the heal instead of from the end of the faults). With no partition it counts from the moment the " +
        "partition would have started: recovery from loss alone. One group per L, one colour per drop rate; each box spans the " +
        "middle half of the worlds (quartiles), the black line is the median, the whiskers reach the fastest and the slowest " +
        "world, and every world is a dot (hollow: the parties agreed only after the faults had stopped; worlds that never did are " +
        "counted above the box). Time grows with the drop rate because a lost message must wait for the next one from its sender. " +
        "Compare each L group with the L = 0 group at the same drop rate: the first datagram each way after the heal staples the " +
        "commit the peer missed, so a box at the height of its L = 0 box means the partition cost nothing beyond its own length; " +
        "a higher box (typically long partitions at high drop rates, where the first datagrams after the heal are lost too) is " +
        "the extra time the partition cost.";

    public const string Decryptability =
        "Of the honest datagrams sent while faults were on (not corrupted or forged) that reached the peer at all, the share each " +
        "world's peer could decrypt, one dot per world (the point's worlds and both duplicate settings), in facets by reorder " +
        "probability and partition length L; inside a facet by drop rate, one colour per retention window R (the number of past " +
        "epochs whose application secrets a party keeps), and a line through the medians. A datagram that arrives after its " +
        "receiver moved more than R epochs past the datagram's epoch is Expired: those keys were deleted for forward secrecy. " +
        "At R = 0 every datagram that crosses the peer's commit in flight is Expired by design: the cost of R = 0, not a violation " +
        "(Decryptability's invariant is stated for R ≥ 1). Lost datagrams are not counted. Dots at 100% mean R is large enough " +
        "for the network's reordering; the gap between colours is the price of a smaller R, and the facets show which fault it pays for.";

    public const string EpochLag =
        "One run (the sample world named in the title; its seed and replay command are at the end of the report), over virtual time: " +
        "alice's and bob's epochs as steps (left axis), and the lag |epoch(alice) − epoch(bob)| as grey bars (right axis, 0–2). In PairMLS " +
        "a party may send only in an epoch it owns, so each change of speaker adds an epoch; the lag is the time the peer has not yet seen " +
        "that commit. It should never exceed 1 and must return to 0 after the faults stop (dashed green line). The liveness phase after it " +
        "(tinted green) lasts only a few round trips, so the time axis draws it wider than the safety phase: read the tick labels. The red " +
        "band is the partition: epochs keep moving on one side only while nothing crosses, and the first datagram after it heals closes the gap.";

    public const string Spacetime =
        "The same run as chart 3, drawn as a spacetime (Lamport) diagram: alice's lane at the top, bob's at the bottom, virtual " +
        "time to the right. Each arrow is one datagram copy, from its send time on the sender's lane to its arrival on the " +
        "receiver's lane: blue arrived in send order, orange was overtaken by a datagram sent later on the same link " +
        "(reordered), purple is an extra copy the network made. A red stub ending in a cross is a datagram that never arrived " +
        "(dropped, or cut by the partition in the red band). A black diamond at an arrow's tip is an arrival the receiver could " +
        "not decrypt (Expired: its epoch was outside the window R). Green triangles are messages that carry a card edit. " +
        "Steep arrows are fast; long, shallow arrows were held back. Under the lanes, each party's epochs as bars. The time axis draws the " +
        "short liveness phase wider, as in chart 3. In the SVG (report.html shows it) every arrow and mark names, on hover, its datagram, " +
        "payload id, epoch, outcome and fault.";
}
