using System.Collections.Immutable;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Group;

/// <summary>
/// One member's complete view of a group in one epoch, as a value (DESIGN.md "group state is a
/// value you can copy and compare"). Nothing in it is mutated after construction: processing a
/// message builds the next state (sharing whatever did not change) and the owner swaps it in only
/// when every check passed, so a rejected message leaves the previous state exactly as it was,
/// secret-tree generations included. Fields are plain and explicit so a codec can save and load them.
/// Internal (issue 9): users hold an <see cref="MlsGroup"/> and persist it with <see cref="MlsGroup.Save"/>
/// and <see cref="MlsGroup.Load"/>; the PairMLS and baseline layers pass states to the state functions.
/// </summary>
internal sealed record GroupState
{
    public required CipherSuite Suite { get; init; }

    /// <summary>RFC 9420 §8.1 the current GroupContext (epoch, tree hash, confirmed transcript hash, extensions).</summary>
    public required GroupContext Context { get; init; }

    /// <summary>RFC 9420 §7 the public ratchet tree.</summary>
    internal RatchetTree Tree { get; init; } = null!;

    /// <summary>Our private view of the tree; its leaf index is ours.</summary>
    internal TreeKemPrivate Private { get; init; } = null!;

    /// <summary>Our signature private key (the public half is our leaf's signature_key).</summary>
    internal Secret SignaturePrivateKey { get; init; } = null!;

    /// <summary>RFC 9420 §8.2 interim_transcript_hash of the current epoch.</summary>
    public required byte[] InterimTranscriptHash { get; init; }

    /// <summary>The confirmation_tag that confirmed the current epoch (goes into GroupInfo, §12.4.3).</summary>
    public required byte[] ConfirmationTag { get; init; }

    internal EpochSecrets Secrets { get; init; } = null!;

    /// <summary>RFC 9420 §9 the current epoch's secret tree.</summary>
    internal SecretTree SecretTree { get; init; } = null!;

    /// <summary>Proposals of the current epoch, in the order they arrived (RFC 9420 §12.4 by reference).</summary>
    internal ImmutableList<CachedProposal> Proposals { get; init; } = [];

    /// <summary>Up to <see cref="GroupOptions.PastEpochsRetained"/> past epochs, oldest first.</summary>
    internal ImmutableArray<PastEpoch> PastEpochs { get; init; } = [];

    /// <summary>Resumption PSKs of recent epochs, the current one included, oldest first.</summary>
    internal ImmutableArray<ResumptionPskEntry> ResumptionPsks { get; init; } = [];

    public required GroupOptions Options { get; init; }

    /// <summary>True once a Commit removed us (RFC 9420 §12.4.2): only late application messages can still be read.</summary>
    public bool IsRemoved { get; init; }

    /// <summary>Set when a Commit carried a ReInit (RFC 9420 §11.2): the group must not be used to send any more.</summary>
    public ReInitProposal? PendingReInit { get; init; }

    public uint OwnLeafIndex => Private.LeafIndex;
    public ulong Epoch => Context.Epoch;
    public byte[] GroupId => Context.GroupId;
    public LeafNode OwnLeaf => Tree.GetLeaf(OwnLeafIndex) ?? throw new InvalidOperationException("our leaf is blank");

    /// <summary>RFC 9420 §8.7 epoch_authenticator.</summary>
    public byte[] EpochAuthenticator => Secrets.EpochAuthenticator.ToArray();

    /// <summary>§7.3 validation context under the given (or current) GroupContext extensions.</summary>
    internal LeafNodeValidationContext LeafContext(IReadOnlyList<Extension>? extensions = null) =>
        Options.LeafContext(Suite, Context.GroupId, extensions ?? Context.Extensions);

    /// <summary>The time lifetimes are checked against (<see cref="GroupOptions.Clock"/>; null: not checked).</summary>
    internal ulong? Now => Options.Clock?.Invoke();

    internal CachedProposal? FindProposal(ReadOnlySpan<byte> reference)
    {
        foreach (var p in Proposals)
            if (p.RefEquals(reference)) return p;
        return null;
    }

    /// <summary>RFC 9420 §8.4: the PSK a PreSharedKeyID names, or null if unknown.</summary>
    internal byte[]? ResolvePsk(PreSharedKeyId id)
    {
        if (id.PskType == PskType.External) return Options.ExternalPsks?.Invoke(id);
        if (id.PskGroupId is null || !id.PskGroupId.AsSpan().SequenceEqual(Context.GroupId)) return null;
        foreach (var entry in ResumptionPsks)
            if (entry.Epoch == id.PskEpoch) return entry.Psk.ToArray();
        return null;
    }

    /// <summary>The retained keys and signature keys of the current epoch, for late application messages.</summary>
    internal PastEpoch ToPastEpoch(SecretTree secretTree)
    {
        var keys = new Dictionary<uint, byte[]>();
        for (uint i = 0; i < Tree.LeafCount; i++)
            if (Tree.TryGetLeaf(i) is { } leaf) keys.Add(i, leaf.SignatureKey);
        return new(Context.Epoch, Context, Secrets.SenderDataSecret.Clone(), secretTree, keys);
    }

    /// <summary>
    /// Saves every field of this state as a <see cref="StateKind.GroupState"/> blob (format in
    /// <see cref="GroupStateCodec"/>), including the non-delegate <see cref="Options"/> (past epochs
    /// retained, resumption PSKs retained, secret tree options, padding, handshake wire format,
    /// ratchet_tree in Welcome, external_pub in GroupInfo, RequireCipherSuiteInCapabilities).
    /// The output holds private keys and epoch secrets: store it as a private key, never log it.
    /// </summary>
    public byte[] Save() => StateEnvelope.Seal(StateKind.GroupState, w => GroupStateCodec.Save(this, w));

    /// <summary>Writes <see cref="Save"/>'s bytes as <c>opaque group_state&lt;V&gt;</c> into <paramref name="writer"/> (no copy of their own).</summary>
    internal void SaveNested(TlsWriter writer) => StateEnvelope.SealNested(writer, StateKind.GroupState, w => GroupStateCodec.Save(this, w));

    /// <summary>
    /// Loads what <see cref="Save"/> wrote. <paramref name="options"/> supplies what cannot be saved:
    /// the delegates <see cref="GroupOptions.AuthenticationService"/>, <see cref="GroupOptions.ExternalPsks"/>
    /// and <see cref="GroupOptions.Clock"/>; every other option value comes from the saved bytes.
    /// Throws only <see cref="MlsDecodeException"/> on malformed or inconsistent bytes.
    /// </summary>
    public static GroupState Load(ReadOnlySpan<byte> bytes, GroupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return StateEnvelope.Open(bytes, StateKind.GroupState, (ref TlsReader r) => GroupStateCodec.Load(ref r, options));
    }

    public override string ToString() =>
        $"GroupState(epoch {Context.Epoch}, leaf {OwnLeafIndex}, {Tree.MemberCount} members{(IsRemoved ? ", removed" : "")})";
}

/// <summary>Reading the GroupContext and GroupInfo extensions this layer acts on (RFC 9420 §13.4).</summary>
internal static class GroupExtensions
{
    public static Extension? Find(IReadOnlyList<Extension> extensions, ushort type)
    {
        // By index, no closure: looked up for every leaf validated (required_capabilities).
        for (int i = 0; i < extensions.Count; i++)
            if (extensions[i].ExtensionType == type) return extensions[i];
        return null;
    }

    public static RequiredCapabilities? RequiredCapabilities(IReadOnlyList<Extension> extensions) =>
        Find(extensions, Extension.RequiredCapabilities) is { } e ? Decode<RequiredCapabilities>(e.ExtensionData, "required_capabilities") : null;

    public static IReadOnlyList<ExternalSender> ExternalSenders(IReadOnlyList<Extension> extensions)
    {
        if (Find(extensions, Extension.ExternalSenders) is not { } e) return [];
        try
        {
            var reader = new TlsReader(e.ExtensionData);
            var list = reader.ReadVector(ExternalSender.Decode);
            reader.EnsureEnd();
            return list;
        }
        catch (MlsDecodeException x) { throw new MlsProtocolException(MlsError.Malformed, "external_senders: " + x.Message, x); }
    }

    /// <summary>RFC 9420 §12.4.3.2 ExternalPub { HPKEPublicKey external_pub; }.</summary>
    public static byte[]? ExternalPub(IReadOnlyList<Extension> extensions)
    {
        if (Find(extensions, Extension.ExternalPub) is not { } e) return null;
        try
        {
            var reader = new TlsReader(e.ExtensionData);
            var key = reader.ReadOpaque();
            reader.EnsureEnd();
            return key;
        }
        catch (MlsDecodeException x) { throw new MlsProtocolException(MlsError.Malformed, "external_pub: " + x.Message, x); }
    }

    public static Extension MakeExternalPub(byte[] publicKey)
    {
        var w = new TlsWriter();
        w.WriteOpaque(publicKey);
        return new Extension(Extension.ExternalPub, w.ToArray());
    }

    public static RatchetTreeWire? RatchetTree(IReadOnlyList<Extension> extensions) =>
        Find(extensions, Extension.RatchetTree) is { } e ? Decode<RatchetTreeWire>(e.ExtensionData, "ratchet_tree") : null;

    private static T Decode<T>(byte[] data, string name) where T : ITlsCodec<T>
    {
        try { return Tls.Deserialize<T>(data); }
        catch (MlsDecodeException x) { throw new MlsProtocolException(MlsError.Malformed, $"{name}: {x.Message}", x); }
    }
}
