namespace Sim.Scenarios.Reports;

/// <summary>The "how to read this chart" paragraphs, shared by the markdown and HTML reports.</summary>
public static class ChartGuide
{
    public const string Convergence =
        "Each world runs the chat with the point's faults on, then the faults stop and the liveness phase begins: Bob sends, " +
        "then Alice, each waiting for the network to go quiet. The x axis is the drop probability while faults were on; the " +
        "left axis is the virtual time from the moment faults stopped to the first moment both parties are in the same epoch " +
        "and each has decrypted a message the other sent after the faults stopped (one line per partition length; the dot is " +
        "the mean over the worlds, the whiskers span min to max). The dashed line (right axis) is how many liveness exchanges " +
        "that took. A flat line at one round trip means the damage done while faults were on costs nothing once they stop: " +
        "the first message each way carries (staples) everything the peer missed. A rising line would mean lost state must be " +
        "rebuilt over several round trips.";

    public const string Decryptability =
        "Of the honest datagrams sent while faults were on (not corrupted or forged) that reached the peer at all, the share the " +
        "peer could decrypt, pooled over the grid's other dimensions (duplicates, reorders, partitions); one line per retention " +
        "window R, the number of past epochs whose application secrets a party keeps. A datagram that arrives after its " +
        "receiver moved more than R epochs past the datagram's epoch is Expired: those keys were deleted for forward secrecy. " +
        "Lost datagrams are not counted (nothing could decrypt them); the chart shows what late arrival costs. Lines close to " +
        "100% mean R is large enough for the network's reordering; the gap between lines is the price of a smaller R.";

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
