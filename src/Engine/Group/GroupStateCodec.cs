using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Group;

/// <summary>
/// The saved form of a <see cref="GroupState"/> (crash and restore; local storage, not an RFC 9420
/// wire format), the body of a <see cref="StateKind.GroupState"/> envelope:
/// <code>
/// uint16 cipher_suite;
/// SavedOptions options;
/// GroupContext context;                       // RFC 9420 §8.1 wire form
/// RatchetTree tree;                           // RatchetTree.Save
/// TreeKemPrivate private;                     // TreeKemPrivate.Save
/// opaque signature_private_key&lt;V&gt;;
/// opaque interim_transcript_hash&lt;V&gt;;        // Nh
/// opaque confirmation_tag&lt;V&gt;;               // Nh
/// EpochSecrets secrets;                       // EpochSecrets.Save
/// SecretTree secret_tree;                     // SecretTree.Save
/// SavedProposal proposals&lt;V&gt;;               // arrival order
/// SavedPastEpoch past_epochs&lt;V&gt;;            // oldest first
/// SavedResumptionPsk resumption_psks&lt;V&gt;;    // oldest first
/// uint8 is_removed;                           // 0 or 1
/// optional&lt;Proposal&gt; pending_reinit;         // a ReInit proposal
///
/// struct { uint32 past_epochs_retained; uint32 resumption_psks_retained; SecretTreeOptions secret_tree;
///          uint32 padding_fixed_length; uint32 padding_block_size; uint16 handshake_wire_format;
///          uint8 ratchet_tree_in_welcome; uint8 external_pub_in_group_info;
///          uint8 require_cipher_suite_in_capabilities; } SavedOptions;
/// struct { opaque ref&lt;V&gt;; Proposal proposal; Sender sender;
///          optional&lt;SavedOwnUpdate&gt; own; } SavedProposal;                     // own: our Update's new keys
/// struct { opaque leaf_private_key&lt;V&gt;;
///          optional&lt;opaque signature_private_key&lt;V&gt;&gt; new_signature_key; } SavedOwnUpdate;  // a new signature_key's private key
/// struct { GroupContext context; opaque sender_data_secret&lt;V&gt;; SecretTree secret_tree;
///          SignatureKey signature_keys&lt;V&gt;; } SavedPastEpoch;                   // ascending leaf
/// struct { uint32 leaf; opaque signature_key&lt;V&gt;; } SignatureKey;
/// struct { uint64 epoch; opaque psk&lt;V&gt;; } SavedResumptionPsk;
/// </code>
/// An own Update's LeafNode is its proposal's, so only its private key is saved. The delegates of
/// <see cref="GroupOptions"/> (AuthenticationService, ExternalPsks, Clock) cannot be saved: the
/// loader supplies them. Loading checks every length and the state's consistency (suites, tree hash,
/// private keys against the tree, signature key against our leaf, epochs in order) and throws only
/// <see cref="MlsDecodeException"/>.
/// </summary>
internal static class GroupStateCodec
{
    public static void Save(GroupState state, TlsWriter writer)
    {
        writer.WriteUInt16(state.Suite.Id);
        SaveOptions(state.Options, writer);
        state.Context.Encode(writer);
        state.Tree.Save(writer);
        state.Private.Save(writer);
        state.SignaturePrivateKey.Save(writer);
        writer.WriteOpaque(state.InterimTranscriptHash);
        writer.WriteOpaque(state.ConfirmationTag);
        state.Secrets.Save(writer);
        state.SecretTree.Save(writer);
        writer.WriteVector(state.Proposals, (w, p) =>
        {
            w.WriteOpaque(p.Ref);
            p.Proposal.Encode(w);
            p.Sender.Encode(w);
            if (p.Own is { } own && (p.Proposal is not UpdateProposal u || !ReferenceEquals(u.LeafNode, own.LeafNode) &&
                !Tls.Serialize(u.LeafNode).AsSpan().SequenceEqual(Tls.Serialize(own.LeafNode))))
                throw new InvalidOperationException("an own Update's LeafNode differs from its proposal's");
            w.WriteOptional(p.Own, (w2, o) =>
            {
                o.LeafPrivateKey.Save(w2);
                w2.WriteOptional(o.SignaturePrivateKey, (w3, k) => k.Save(w3));
            });
        });
        writer.WriteVector(state.PastEpochs, (w, past) =>
        {
            if (past.Epoch != past.Context.Epoch) throw new InvalidOperationException("a past epoch's number differs from its context's");
            past.Context.Encode(w);
            past.SenderDataSecret.Save(w);
            past.SecretTree.Save(w);
            WriteSignatureKeys(w, past.SignatureKeys);
        });
        writer.WriteVector(state.ResumptionPsks, (w, entry) =>
        {
            w.WriteUInt64(entry.Epoch);
            entry.Psk.Save(w);
        });
        writer.WriteUInt8(state.IsRemoved ? (byte)1 : (byte)0);
        writer.WriteOptional<Proposal>(state.PendingReInit, (w, p) => p.Encode(w));
    }

    /// <summary>A past epoch's signature keys in ascending leaf order (sorted on the stack: no LINQ sorter per save).</summary>
    private static void WriteSignatureKeys(TlsWriter writer, IReadOnlyDictionary<uint, byte[]> keys)
    {
        int mark = writer.BeginVector();
        Span<uint> leaves = keys.Count <= 64 ? stackalloc uint[keys.Count] : new uint[keys.Count];
        int n = 0;
        foreach (var (leaf, _) in keys) leaves[n++] = leaf;
        leaves.Sort();
        foreach (uint leaf in leaves)
        {
            writer.WriteUInt32(leaf);
            writer.WriteOpaque(keys[leaf]);
        }
        writer.EndVector(mark);
    }

    public static GroupState Load(ref TlsReader reader, GroupOptions callerOptions)
    {
        var suite = StateCodec.ReadSuite(ref reader);
        int nh = suite.HashLength;
        var options = LoadOptions(ref reader, callerOptions);
        var context = GroupContext.Decode(ref reader);
        var tree = RatchetTree.Load(ref reader);
        var priv = TreeKemPrivate.Load(ref reader);
        var signatureKey = Secret.Load(ref reader);
        var interim = ReadHash(ref reader, nh, "interim_transcript_hash");
        var tag = ReadHash(ref reader, nh, "confirmation_tag");
        var secrets = EpochSecrets.Load(ref reader);
        var secretTree = SecretTree.Load(ref reader);
        var proposals = reader.ReadVector((ref TlsReader r) =>
        {
            var reference = ReadHash(ref r, nh, "proposal ref");
            var proposal = Proposal.Decode(ref r);
            var sender = Sender.Decode(ref r);
            OwnUpdate? own = null;
            if (r.ReadPresence())
            {
                var ownKey = Secret.Load(ref r);
                var ownSignatureKey = r.ReadPresence() ? Secret.Load(ref r) : null;
                if (proposal is not UpdateProposal update)
                    throw new MlsDecodeException($"saved group state: an own-update key on a {proposal.ProposalType} proposal");
                own = new OwnUpdate(ownKey, update.LeafNode, ownSignatureKey);
            }
            return new CachedProposal(reference, proposal, sender, own);
        });
        var past = reader.ReadVector((ref TlsReader r) =>
        {
            var pastContext = GroupContext.Decode(ref r);
            var senderData = Secret.Load(ref r, nh);
            var pastTree = SecretTree.Load(ref r);
            var keys = new Dictionary<uint, byte[]>();
            var list = r.ReadVectorReader();
            long previous = -1;
            while (!list.End)
            {
                uint leaf = list.ReadUInt32();
                var key = list.ReadOpaque();
                if (leaf <= previous || leaf >= pastTree.LeafCount)
                    throw new MlsDecodeException($"saved group state: past signature key for leaf {leaf} out of order or outside the tree");
                keys[leaf] = key;
                previous = leaf;
            }
            return new PastEpoch(pastContext.Epoch, pastContext, senderData, pastTree, keys);
        });
        var psks = reader.ReadVector((ref TlsReader r) => new ResumptionPskEntry(r.ReadUInt64(), Secret.Load(ref r, nh)));
        bool removed = reader.ReadUInt8() switch
        {
            0 => false,
            1 => true,
            var b => throw new MlsDecodeException($"saved group state: is_removed {b} is neither 0 nor 1"),
        };
        var reinit = reader.ReadOptional(Proposal.Decode);
        if (reinit is not null and not ReInitProposal)
            throw new MlsDecodeException($"saved group state: pending_reinit holds a {reinit.ProposalType} proposal");

        var state = new GroupState
        {
            Suite = suite,
            Context = context,
            Tree = tree,
            Private = priv,
            SignaturePrivateKey = signatureKey,
            InterimTranscriptHash = interim,
            ConfirmationTag = tag,
            Secrets = secrets,
            SecretTree = secretTree,
            Proposals = [.. proposals],
            PastEpochs = [.. past],
            ResumptionPsks = [.. psks],
            Options = options,
            IsRemoved = removed,
            PendingReInit = (ReInitProposal?)reinit,
        };
        try { CheckConsistent(state); }
        catch (MlsProtocolException e) { throw new MlsDecodeException("saved group state: " + e.Message, e); }
        return state;
    }

    private static byte[] ReadHash(ref TlsReader reader, int nh, string name)
    {
        var bytes = reader.ReadOpaque();
        if (bytes.Length != nh) throw new MlsDecodeException($"saved group state: {name} is {bytes.Length} bytes, not {nh}");
        return bytes;
    }

    private static void SaveOptions(GroupOptions options, TlsWriter writer)
    {
        writer.WriteUInt32((uint)options.PastEpochsRetained);
        writer.WriteUInt32((uint)options.ResumptionPsksRetained);
        options.SecretTree.Save(writer);
        if (options.Padding.FixedLength < 0 || options.Padding.BlockSize < 0)
            throw new InvalidOperationException("PaddingPolicy: negative length");
        writer.WriteUInt32((uint)options.Padding.FixedLength);
        writer.WriteUInt32((uint)options.Padding.BlockSize);
        writer.WriteUInt16((ushort)options.HandshakeWireFormat);
        writer.WriteUInt8(options.RatchetTreeInWelcome ? (byte)1 : (byte)0);
        writer.WriteUInt8(options.ExternalPubInGroupInfo ? (byte)1 : (byte)0);
        writer.WriteUInt8(options.RequireCipherSuiteInCapabilities ? (byte)1 : (byte)0);
    }

    /// <summary>The saved option values over <paramref name="caller"/>'s (which supplies the delegates).</summary>
    private static GroupOptions LoadOptions(ref TlsReader reader, GroupOptions caller)
    {
        int pastRetained = (int)reader.ReadUInt32();
        int psksRetained = (int)reader.ReadUInt32();
        var secretTree = SecretTreeOptions.Load(ref reader);
        uint fixedLength = reader.ReadUInt32(), blockSize = reader.ReadUInt32();
        if (fixedLength > int.MaxValue || blockSize > int.MaxValue)
            throw new MlsDecodeException("saved group state: padding length out of range");
        var wireFormat = (WireFormat)reader.ReadUInt16();
        if (wireFormat is not (WireFormat.PublicMessage or WireFormat.PrivateMessage))
            throw new MlsDecodeException($"saved group state: handshake wire format {(ushort)wireFormat} is not a group message");
        return caller with
        {
            PastEpochsRetained = pastRetained,
            ResumptionPsksRetained = psksRetained,
            SecretTree = secretTree,
            Padding = new PaddingPolicy((int)fixedLength, (int)blockSize),
            HandshakeWireFormat = wireFormat,
            RatchetTreeInWelcome = ReadBool(ref reader, "ratchet_tree_in_welcome"),
            ExternalPubInGroupInfo = ReadBool(ref reader, "external_pub_in_group_info"),
            RequireCipherSuiteInCapabilities = ReadBool(ref reader, "require_cipher_suite_in_capabilities"),
        };
    }

    private static bool ReadBool(ref TlsReader reader, string name) => reader.ReadUInt8() switch
    {
        0 => false,
        1 => true,
        var b => throw new MlsDecodeException($"saved group state: {name} {b} is neither 0 nor 1"),
    };

    /// <summary>What every state the group layer builds satisfies; anything else is corrupt storage.
    /// Throws <see cref="MlsDecodeException"/> (or <see cref="MlsProtocolException"/> from key checks, converted by the caller).</summary>
    private static void CheckConsistent(GroupState s)
    {
        ushort id = s.Suite.Id;
        if (s.Context.Version != GroupContext.Mls10 || s.Context.CipherSuite != id || s.Tree.Suite.Id != id || s.Secrets.Suite.Id != id
            || s.SecretTree.Suite.Id != id)
            throw new MlsDecodeException("saved group state: parts of different cipher suites or versions");
        if (s.SecretTree.LeafCount != s.Tree.LeafCount)
            throw new MlsDecodeException("saved group state: the secret tree does not have the ratchet tree's shape");
        if (!s.Context.TreeHash.AsSpan().SequenceEqual(s.Tree.TreeHash()))
            throw new MlsDecodeException("saved group state: the tree hash does not match the GroupContext");
        var ownLeaf = s.Tree.TryGetLeaf(s.OwnLeafIndex)
            ?? throw new MlsDecodeException($"saved group state: our leaf {s.OwnLeafIndex} is not in the tree");
        s.Private.CheckConsistentWith(s.Tree);
        // The parsed key is kept with the secret: the check computes the public key the first signature needs.
        if (!s.Suite.SigningKeyOf(s.SignaturePrivateKey).HasPublicKey(ownLeaf.SignatureKey))
            throw new MlsDecodeException("saved group state: the signature private key is not our leaf's");

        for (int i = 0; i < s.Proposals.Count; i++)
        {
            var p = s.Proposals[i];
            for (int j = 0; j < i; j++)
                if (s.Proposals[j].RefEquals(p.Ref)) throw new MlsDecodeException("saved group state: a proposal ref appears twice");
            if (p.Own is { } own)
            {
                if (p.Sender != Sender.Member(s.OwnLeafIndex))
                    throw new MlsDecodeException("saved group state: an own-update key on someone else's proposal");
                if (!s.Suite.Kem.PublicKeyOf(own.LeafPrivateKey.Span).AsSpan().SequenceEqual(own.LeafNode.EncryptionKey))
                    throw new MlsDecodeException("saved group state: an own-update key does not match its leaf");
                if (own.SignaturePrivateKey is { } sk && !s.Suite.Signature.PublicKeyOf(sk.Span).AsSpan().SequenceEqual(own.LeafNode.SignatureKey))
                    throw new MlsDecodeException("saved group state: an own-update signature key does not match its leaf");
            }
        }

        if (s.PastEpochs.Length > Math.Max(0, s.Options.PastEpochsRetained))
            throw new MlsDecodeException("saved group state: more past epochs than retained");
        ulong? previous = null;
        foreach (var p in s.PastEpochs)
        {
            if (p.Context.CipherSuite != id || p.SecretTree.Suite.Id != id || !p.Context.GroupId.AsSpan().SequenceEqual(s.GroupId))
                throw new MlsDecodeException("saved group state: a past epoch of another suite or group");
            if (p.Epoch >= s.Epoch || previous is { } prev && p.Epoch <= prev)
                throw new MlsDecodeException("saved group state: past epochs out of order");
            previous = p.Epoch;
        }
        if (s.ResumptionPsks.Length > Math.Max(1, s.Options.ResumptionPsksRetained))
            throw new MlsDecodeException("saved group state: more resumption PSKs than retained");
        previous = null;
        foreach (var e in s.ResumptionPsks)
        {
            if (e.Epoch > s.Epoch || previous is { } prev && e.Epoch <= prev)
                throw new MlsDecodeException("saved group state: resumption PSKs out of order");
            previous = e.Epoch;
        }
    }
}
