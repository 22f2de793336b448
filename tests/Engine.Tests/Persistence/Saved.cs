using Sim.Engine.Codec;

namespace Sim.Engine.Tests.Persistence;

/// <summary>Saves and loads state through <see cref="StateEnvelope"/>, as a crash-and-restore would.</summary>
internal static class Saved
{
    public static byte[] Save(StateKind kind, Action<TlsWriter> save) => StateEnvelope.Seal(kind, save);

    public static T Load<T>(byte[] bytes, StateKind kind, TlsReadFunc<T> load) => StateEnvelope.Open(bytes, kind, load);

    /// <summary>save → load → save: returns the loaded value and asserts the second save is byte-identical.</summary>
    public static T RoundTrip<T>(StateKind kind, Action<TlsWriter> save, TlsReadFunc<T> load, Func<T, Action<TlsWriter>> saveLoaded)
    {
        var first = Save(kind, save);
        var loaded = Load(first, kind, load);
        Assert.Equal(first, Save(kind, saveLoaded(loaded)));
        return loaded;
    }

    public static IEnumerable<object[]> AllSuites => Enumerable.Range(1, 7).Select(i => new object[] { (ushort)i });
}
