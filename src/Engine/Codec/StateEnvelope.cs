namespace Sim.Engine.Codec;

/// <summary>What a saved state blob holds (the envelope's <c>kind</c>). Values are part of the
/// storage format: never renumber one; add new kinds with new values.</summary>
internal enum StateKind : ushort
{
    Secret = 0x0001,
    EpochSecrets = 0x0002,
    SecretTree = 0x0003,
    TreeKemPrivate = 0x0004,
    RatchetTree = 0x0005,
    KeyPackageBundle = 0x0006,
    KeyPair = 0x0007,
    /// <summary>Reserved for the group layer's whole-group state.</summary>
    GroupState = 0x0010,
    /// <summary>Reserved for a PairMLS session.</summary>
    PairSession = 0x0020,
    /// <summary>A baseline: a static-keys conversation (src/Engine/Baselines).</summary>
    StaticKeys = 0x0030,
    /// <summary>A baseline: a client of an ordinary two-member group behind a central delivery service.</summary>
    CentralDsClient = 0x0031,
}

/// <summary>
/// The versioned wrapper around a piece of saved member state (for crash-and-restore):
/// <c>"SIMS"</c> (4 bytes), format version (uint16), <see cref="StateKind"/> (uint16), then the body,
/// which must end exactly where the input ends. This is local storage, not an RFC 9420 wire format.
/// <para>Saved state contains secrets (private keys, ratchet and epoch secrets): callers must store
/// it as they would a private key, and never log it or put it in a trace.</para>
/// <see cref="Open{T}"/> throws only <see cref="MlsDecodeException"/> on malformed bytes, as long as
/// the body reader does (every state <c>Load</c> of the engine does).
/// </summary>
internal static class StateEnvelope
{
    /// <summary>The format version written by this build; <see cref="Open{T}"/> accepts only it.</summary>
    public const ushort FormatVersion = 1;

    /// <summary>Magic, version and kind: the bytes before the body.</summary>
    public const int HeaderLength = 8;

    /// <summary>The magic bytes "SIMS".</summary>
    public static ReadOnlySpan<byte> Magic => "SIMS"u8;

    /// <summary>Writes the header for <paramref name="kind"/>, then the body by <paramref name="writeBody"/>.
    /// The result contains secrets: protect it, never log it.</summary>
    public static byte[] Seal(StateKind kind, Action<TlsWriter> writeBody)
    {
        ArgumentNullException.ThrowIfNull(writeBody);
        // A pooled writer (zeroed on return): a state is several KB and saved with every datagram, so
        // growing a fresh buffer each time would allocate several times its size.
        var writer = TlsWriter.Rent();
        try
        {
            WriteSealed(writer, kind, writeBody);
            return writer.ToArray();
        }
        finally { TlsWriter.Return(writer); }
    }

    /// <summary>Writes the same bytes as <see cref="Seal"/> as <c>opaque state&lt;V&gt;</c> into <paramref name="writer"/>
    /// (a state nested in another state's body) without a copy of its own.</summary>
    public static void SealNested(TlsWriter writer, StateKind kind, Action<TlsWriter> writeBody)
    {
        ArgumentNullException.ThrowIfNull(writeBody);
        int mark = writer.BeginVector();
        WriteSealed(writer, kind, writeBody);
        writer.EndVector(mark);
    }

    private static void WriteSealed(TlsWriter writer, StateKind kind, Action<TlsWriter> writeBody)
    {
        writer.WriteFixed(Magic);
        writer.WriteUInt16(FormatVersion);
        writer.WriteUInt16((ushort)kind);
        writeBody(writer);
    }

    /// <summary>Checks magic, version and <paramref name="kind"/>, reads the body with
    /// <paramref name="readBody"/> and rejects trailing bytes; <see cref="MlsDecodeException"/> on any mismatch.</summary>
    public static T Open<T>(ReadOnlySpan<byte> bytes, StateKind kind, TlsReadFunc<T> readBody)
    {
        ArgumentNullException.ThrowIfNull(readBody);
        var reader = new TlsReader(bytes);
        if (!reader.ReadFixed(Magic.Length).SequenceEqual(Magic))
            throw new MlsDecodeException("saved state: wrong magic (not a SIMS state blob)");
        ushort version = reader.ReadUInt16();
        if (version != FormatVersion)
            throw new MlsDecodeException($"saved state: format version {version} is not supported (expected {FormatVersion})");
        ushort found = reader.ReadUInt16();
        if (found != (ushort)kind)
            throw new MlsDecodeException($"saved state: kind 0x{found:x4} where 0x{(ushort)kind:x4} ({kind}) was expected");
        var value = readBody(ref reader);
        reader.EnsureEnd();
        return value;
    }
}
