using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Schedule;

namespace Sim.Engine.Messages;

/// <summary>
/// A KeyPackage this client published (RFC 9420 §10) and the private keys behind it: the init key
/// (opens the Welcome's GroupSecrets) and the leaf encryption key (becomes the joiner's leaf key).
/// The signature key pair is the caller's and is not kept. Disposing clears both private keys.
/// </summary>
public sealed class KeyPackageBundle : IDisposable
{
    public KeyPackage KeyPackage { get; }
    public CipherSuite Suite { get; }
    /// <summary>KeyPackageRef (§5.2): how a Welcome names this package in <c>new_member</c>.</summary>
    public byte[] Ref { get; }
    /// <summary>HPKE private key for <see cref="KeyPackage.InitKey"/>.</summary>
    internal Secret InitPrivateKey { get; }
    /// <summary>HPKE private key for the leaf's <see cref="LeafNode.EncryptionKey"/>.</summary>
    internal Secret EncryptionPrivateKey { get; }

    /// <summary>Takes ownership of both secrets (e.g. a bundle restored from storage).</summary>
    internal KeyPackageBundle(KeyPackage keyPackage, Secret initPrivateKey, Secret encryptionPrivateKey)
    {
        KeyPackage = keyPackage ?? throw new ArgumentNullException(nameof(keyPackage));
        Suite = CipherSuite.Get(keyPackage.CipherSuite);
        Ref = Suite.MakeKeyPackageRef(Tls.Serialize(keyPackage));
        InitPrivateKey = initPrivateKey ?? throw new ArgumentNullException(nameof(initPrivateKey));
        EncryptionPrivateKey = encryptionPrivateKey ?? throw new ArgumentNullException(nameof(encryptionPrivateKey));
    }

    /// <summary>
    /// RFC 9420 §10: a fresh KeyPackage for <paramref name="suite"/>. The init and leaf encryption key
    /// pairs are drawn from <paramref name="random"/>; the leaf (source key_package, no group context)
    /// is signed with "LeafNodeTBS", then the package with "KeyPackageTBS", both by
    /// <paramref name="signatureKeyPair"/>. Capabilities default to <see cref="DefaultCapabilities"/>.
    /// </summary>
    public static KeyPackageBundle Create(CipherSuite suite, KeyPair signatureKeyPair, Credential credential, Lifetime lifetime,
        IRandomSource random, Capabilities? capabilities = null, IReadOnlyList<Extension>? leafNodeExtensions = null,
        IReadOnlyList<Extension>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(signatureKeyPair);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(random);
        if (lifetime.NotBefore > lifetime.NotAfter)
            throw new ArgumentException("lifetime: not_before is after not_after", nameof(lifetime));

        var init = suite.Kem.GenerateKeyPair(random);
        var encryption = suite.Kem.GenerateKeyPair(random);
        var unsignedLeaf = new LeafNode(encryption.PublicKey, signatureKeyPair.PublicKey, credential,
            capabilities ?? DefaultCapabilities(suite, credential.CredentialType), LeafNodeSource.KeyPackage, lifetime,
            ParentHash: null, leafNodeExtensions ?? [], Signature: []);
        var leaf = LeafNodeSignature.Sign(suite, unsignedLeaf, signatureKeyPair.PrivateKey);
        var unsignedPackage = new KeyPackage(GroupContext.Mls10, suite.Id, init.PublicKey, leaf, extensions ?? [], Signature: []);
        var keyPackage = unsignedPackage with
        {
            Signature = suite.SignWithLabel(signatureKeyPair.PrivateKey, KeyPackageValidation.Label, unsignedPackage.ToBeSigned()),
        };
        return new KeyPackageBundle(keyPackage, new Secret(init.PrivateKey), new Secret(encryption.PrivateKey));
    }

    /// <summary>
    /// RFC 9420 §7.2 capabilities for a client of one suite: version mls10, the suite, and the basic
    /// credential (plus <paramref name="credentialType"/> if it is another). Default proposal and
    /// extension types MUST NOT be listed, so those lists are empty.
    /// </summary>
    public static Capabilities DefaultCapabilities(CipherSuite suite, CredentialType credentialType = CredentialType.Basic) =>
        new([GroupContext.Mls10], [suite.Id], [], [],
            credentialType == CredentialType.Basic ? [(ushort)CredentialType.Basic] : [(ushort)CredentialType.Basic, (ushort)credentialType]);

    // ---- saved state (crash and restore; not an RFC 9420 wire format) ----

    /// <summary>Saves the bundle: <c>KeyPackage key_package; opaque init_private_key&lt;V&gt;;
    /// opaque encryption_private_key&lt;V&gt;</c>. The output holds both HPKE private keys: callers must
    /// protect it and never log it.</summary>
    /// <summary>The bundle as a saved-state blob (<see cref="StateKind.KeyPackageBundle"/>), to keep until its
    /// Welcome arrives. It holds both HPKE private keys: store it as a private key, never log it.</summary>
    public byte[] Save() => StateEnvelope.Seal(StateKind.KeyPackageBundle, Save);

    /// <summary>Loads what <see cref="Save()"/> wrote; only <see cref="MlsDecodeException"/> on malformed
    /// bytes (including a private key that does not match the package).</summary>
    public static KeyPackageBundle Load(ReadOnlySpan<byte> bytes) => StateEnvelope.Open(bytes, StateKind.KeyPackageBundle, Load);

    internal void Save(TlsWriter writer)
    {
        KeyPackage.Encode(writer);
        InitPrivateKey.Save(writer);
        EncryptionPrivateKey.Save(writer);
    }

    /// <summary>Loads what <see cref="Save"/> wrote; <see cref="MlsDecodeException"/> if malformed:
    /// an unknown suite, or a private key that is not the one behind the package's init_key or its
    /// leaf's encryption_key (so a corrupted key is caught at load, not at the first Welcome).</summary>
    internal static KeyPackageBundle Load(ref TlsReader reader)
    {
        var keyPackage = KeyPackage.Decode(ref reader);
        var init = reader.ReadOpaque();
        var encryption = reader.ReadOpaque();
        if (keyPackage.CipherSuite is < 1 or > 7)
            throw new MlsDecodeException($"saved KeyPackageBundle: unknown cipher suite 0x{keyPackage.CipherSuite:x4}");
        var kem = CipherSuite.Get(keyPackage.CipherSuite).Kem;
        CheckKey(kem, init, keyPackage.InitKey, "init");
        CheckKey(kem, encryption, keyPackage.LeafNode.EncryptionKey, "encryption");
        return new KeyPackageBundle(keyPackage, new Secret(init), new Secret(encryption));
    }

    private static void CheckKey(IKem kem, byte[] privateKey, byte[] publicKey, string which)
    {
        // TryPublicKeyOf: a saved key that is not a key of the suite is a check's answer, not an exception to catch.
        bool matches = privateKey.Length == kem.PrivateKeyLength && kem.TryPublicKeyOf(privateKey) is { } derived
            && derived.AsSpan().SequenceEqual(publicKey);
        if (!matches) throw new MlsDecodeException($"saved KeyPackageBundle: the {which} private key does not match the package");
    }

    public void Dispose()
    {
        InitPrivateKey.Clear();
        EncryptionPrivateKey.Clear();
    }

    public override string ToString() => $"KeyPackageBundle(suite {Suite.Id}, ref {Convert.ToHexString(Ref.AsSpan(0, 8))}…)";
}
