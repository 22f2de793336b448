using Sim.Engine.Codec;
using Sim.Engine.Crypto;

namespace Sim.Engine.Schedule;

/// <summary>
/// The secrets derived from one epoch's <c>epoch_secret</c> (RFC 9420 §8, table "Epoch-Derived
/// Secrets"), plus the <c>init_secret</c> for the next epoch. The epoch secret itself is consumed
/// by the derivation and not kept, and so is the <c>encryption_secret</c> once the epoch's secret
/// tree took it (<see cref="CreateSecretTree"/>): RFC 9420 §9.2 deletes a tree node's secret once
/// its children are derived, and the root kept beside the tree would give whoever copies the state
/// every key of the epoch, those of messages already consumed too (forward secrecy; found by the
/// saved-bytes FS/PCS attacker of the simulator). A value: <see cref="Clone"/> copies every secret, so a group
/// state can be copied and swapped in only once all checks pass.
/// </summary>
internal sealed class EpochSecrets : IDisposable
{
    public CipherSuite Suite { get; }
    /// <summary>"sender data": keys for the SenderData of PrivateMessage (§6.3.2).</summary>
    public Secret SenderDataSecret { get; }
    /// <summary>"encryption": the root of the secret tree (§9); null once <see cref="CreateSecretTree"/> consumed it.</summary>
    public Secret? EncryptionSecret { get; private set; }
    /// <summary>"exporter": the base of <see cref="MlsExporter"/> (§8.5).</summary>
    public Secret ExporterSecret { get; }
    /// <summary>"external": seeds the external init key pair (§8.3).</summary>
    public Secret ExternalSecret { get; }
    /// <summary>"confirm": the MAC key of the confirmation tag (§8.1).</summary>
    public Secret ConfirmationKey { get; }
    /// <summary>"membership": the MAC key of PublicMessage membership tags (§6.2).</summary>
    public Secret MembershipKey { get; }
    /// <summary>"resumption": this epoch's resumption PSK (§8.6).</summary>
    public Secret ResumptionPsk { get; }
    /// <summary>"authentication": the epoch authenticator (§8.7).</summary>
    public Secret EpochAuthenticator { get; }
    /// <summary>"init": init_secret_[n], input to the next epoch's key schedule.</summary>
    public Secret InitSecret { get; }

    private EpochSecrets(CipherSuite suite, Secret senderData, Secret? encryption, Secret exporter, Secret external,
        Secret confirmation, Secret membership, Secret resumption, Secret authenticator, Secret init)
    {
        Suite = suite;
        SenderDataSecret = senderData;
        EncryptionSecret = encryption;
        ExporterSecret = exporter;
        ExternalSecret = external;
        ConfirmationKey = confirmation;
        MembershipKey = membership;
        ResumptionPsk = resumption;
        EpochAuthenticator = authenticator;
        InitSecret = init;
    }

    /// <summary>RFC 9420 §8: every epoch-derived secret is DeriveSecret(epoch_secret, label).</summary>
    public static EpochSecrets FromEpochSecret(CipherSuite suite, ReadOnlySpan<byte> epochSecret)
    {
        Secret D(ReadOnlySpan<byte> s, string label) => new(suite.DeriveSecret(s, label));
        return new EpochSecrets(suite,
            D(epochSecret, "sender data"),
            D(epochSecret, "encryption"),
            D(epochSecret, "exporter"),
            D(epochSecret, "external"),
            D(epochSecret, "confirm"),
            D(epochSecret, "membership"),
            D(epochSecret, "resumption"),
            D(epochSecret, "authentication"),
            D(epochSecret, "init"));
    }

    /// <summary>
    /// The epoch's secret tree (§9) from <see cref="EncryptionSecret"/>, which is then zeroed and
    /// dropped: the tree holds what the epoch still needs, and §9.2's deletion schedule starts at its root.
    /// </summary>
    public SecretTree CreateSecretTree(uint leafCount, SecretTreeOptions? options)
    {
        var root = EncryptionSecret ?? throw new InvalidOperationException("the encryption_secret of this epoch already made its secret tree");
        var tree = new SecretTree(Suite, root.Span, leafCount, options);
        root.Clear();
        EncryptionSecret = null;
        return tree;
    }

    /// <summary>RFC 9420 §8.5: MLS-Exporter(Label, Context, Length) =
    /// ExpandWithLabel(DeriveSecret(exporter_secret, Label), "exported", Hash(Context), Length).</summary>
    public byte[] MlsExporter(string label, ReadOnlySpan<byte> context, int length)
    {
        ArgumentNullException.ThrowIfNull(label);
        using var derived = new Secret(Suite.DeriveSecret(ExporterSecret.Span, label));
        return Suite.ExpandWithLabel(derived.Span, "exported", Suite.Hash(context), length);
    }

    /// <summary>RFC 9420 §8.3: the external init key pair, KEM.DeriveKeyPair(external_secret).</summary>
    public KeyPair ExternalKeyPair() => Suite.DeriveKeyPair(ExternalSecret.Span);

    /// <summary>The public half of <see cref="ExternalKeyPair"/> (the GroupInfo's external_pub extension).</summary>
    public byte[] ExternalPublicKey()
    {
        var pair = ExternalKeyPair();
        pair.Clear();
        return pair.PublicKey;
    }

    public EpochSecrets Clone() => new(Suite,
        SenderDataSecret.Clone(), EncryptionSecret?.Clone(), ExporterSecret.Clone(), ExternalSecret.Clone(),
        ConfirmationKey.Clone(), MembershipKey.Clone(), ResumptionPsk.Clone(), EpochAuthenticator.Clone(),
        InitSecret.Clone());

    /// <summary>Clears every secret (the epoch is over, or this copy was discarded).</summary>
    public void Clear()
    {
        SenderDataSecret.Clear();
        EncryptionSecret?.Clear();
        ExporterSecret.Clear();
        ExternalSecret.Clear();
        ConfirmationKey.Clear();
        MembershipKey.Clear();
        ResumptionPsk.Clear();
        EpochAuthenticator.Clear();
        InitSecret.Clear();
    }

    public void Dispose() => Clear();

    public override string ToString() => $"EpochSecrets(suite {Suite.Id})";

    // ---- saved state (crash and restore; not an RFC 9420 wire format) ----

    /// <summary>
    /// Saves every field: <c>uint16 cipher_suite</c>, then the nine secrets as <c>opaque&lt;V&gt;</c> in
    /// declaration order (sender data, encryption, exporter, external, confirm, membership,
    /// resumption, authentication, init); the encryption secret is empty once the secret tree took it.
    /// The output holds the epoch's secrets: callers must protect it and never log it.
    /// </summary>
    public void Save(TlsWriter writer)
    {
        writer.WriteUInt16(Suite.Id);
        SenderDataSecret.Save(writer);
        if (EncryptionSecret is { } encryption) encryption.Save(writer);
        else writer.WriteOpaque(ReadOnlySpan<byte>.Empty);
        foreach (var s in AllSecrets().Skip(2)) s!.Save(writer);
    }

    /// <summary>Loads what <see cref="Save"/> wrote; <see cref="MlsDecodeException"/> if malformed
    /// (unknown suite, a secret that is not Nh bytes; the encryption secret may also be empty: consumed).</summary>
    public static EpochSecrets Load(ref TlsReader reader)
    {
        var suite = StateCodec.ReadSuite(ref reader);
        int nh = suite.HashLength;
        var senderData = Secret.Load(ref reader);
        if (senderData.Length != nh) throw new MlsDecodeException($"saved secret: {senderData.Length} bytes where {nh} were expected");
        var encryption = Secret.Load(ref reader);
        if (encryption.Length != nh && encryption.Length != 0) throw new MlsDecodeException($"saved encryption_secret: {encryption.Length} bytes where {nh} (or 0: consumed) were expected");
        return new EpochSecrets(suite,
            senderData, encryption.Length == 0 ? null : encryption, Secret.Load(ref reader, nh),
            Secret.Load(ref reader, nh), Secret.Load(ref reader, nh), Secret.Load(ref reader, nh),
            Secret.Load(ref reader, nh), Secret.Load(ref reader, nh), Secret.Load(ref reader, nh));
    }

    private IEnumerable<Secret?> AllSecrets() =>
    [
        SenderDataSecret, EncryptionSecret, ExporterSecret, ExternalSecret, ConfirmationKey,
        MembershipKey, ResumptionPsk, EpochAuthenticator, InitSecret,
    ];
}
