using Sim.Engine.Group;

namespace Sim.Engine.Tests.Surface;

/// <summary>
/// The engine's public surface is a decision (issue 9, DESIGN.md "internal by default"): the MLS
/// group API, its messages, KeyPackage, cipher suites, options, results, the codec entry points for
/// MLSMessage, and the PairMLS API. This test lists every exported type; it fails when one appears or
/// disappears, so the surface changes only on purpose (edit <c>PublicSurface.txt</c> with the change).
/// </summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void ExportedTypes_AreExactlyTheListedOnes()
    {
        var actual = typeof(MlsGroup).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        var file = Path.Combine(AppContext.BaseDirectory, "Surface", "PublicSurface.txt");
        var expected = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Order(StringComparer.Ordinal).ToList();
        var added = actual.Except(expected).ToList();
        var removed = expected.Except(actual).ToList();
        Assert.True(added.Count == 0 && removed.Count == 0,
            $"the public surface changed: {added.Count} new ({string.Join(", ", added)}), {removed.Count} gone ({string.Join(", ", removed)}); " +
            "update tests/Engine.Tests/Surface/PublicSurface.txt if this is on purpose");
    }
}
