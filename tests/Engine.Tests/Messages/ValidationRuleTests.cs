using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Tree;

namespace Sim.Engine.Tests.Messages;

/// <summary>
/// Every named <see cref="ValidationRule"/> fires, with its name and reason, on a leaf or KeyPackage
/// that breaks exactly that rule (each input re-signed, so nothing else fails), and the leaf that
/// breaks nothing passes every rule.
/// </summary>
public sealed class ValidationRuleTests
{
    private static readonly byte[] GroupId = "rules"u8.ToArray();

    private sealed record Fixture(CipherSuite Suite, KeyPair Key, KeyPackageBundle Bundle, DeterministicRandomSource Random)
    {
        public KeyPackage Kp => Bundle.KeyPackage;
        public LeafNode Leaf => Kp.LeafNode;

        public LeafNode Sign(LeafNode leaf, uint? index = null) =>
            index is null ? LeafNodeSignature.Sign(Suite, leaf, Key.PrivateKey) : LeafNodeSignature.Sign(Suite, leaf, Key.PrivateKey, GroupId, index);

        public KeyPackage Resign(KeyPackage kp)
        {
            var unsigned = kp with { LeafNode = kp.LeafNode.LeafNodeSource == LeafNodeSource.KeyPackage ? Sign(kp.LeafNode) : kp.LeafNode };
            return unsigned with { Signature = Suite.SignWithLabel(Key.PrivateKey, KeyPackageValidation.Label, unsigned.ToBeSigned()) };
        }

        public LeafNodeValidationContext Context => new(Suite, GroupId);
    }

    private static Fixture Make(ushort suite = 1, ulong seed = 1, Lifetime? lifetime = null, Credential? credential = null)
    {
        var cs = CipherSuite.Get(suite);
        var random = new DeterministicRandomSource(seed, "rules");
        var key = cs.Signature.GenerateKeyPair(random);
        return new Fixture(cs, key, KeyPackageBundle.Create(cs, key, credential ?? Credential.Basic("alice"u8.ToArray()), lifetime ?? new Lifetime(100, 200), random), random);
    }

    private static void AssertRule(ValidationRule rule, MlsError error, Action check)
    {
        var e = Assert.Throws<MlsProtocolException>(check);
        Assert.Equal((rule, error), (e.Rule!.Value, e.Error));
        Assert.Contains($"[{rule} {rule.Section()}]", e.Message);
    }

    [Fact]
    public void AValidLeafAndKeyPackage_PassEveryRule()
    {
        var f = Make();
        KeyPackageValidation.Validate(f.Suite, f.Kp, DateTimeOffset.FromUnixTimeSeconds(150), TimeSpan.FromSeconds(100));
        LeafNodeValidator.Validate(f.Leaf, null, f.Context with { CurrentTime = 150, MaxLifetimeSeconds = 100 }, null, LeafNodeSource.KeyPackage);
    }

    [Fact]
    public void LeafSignature()
    {
        var f = Make();
        var tampered = f.Leaf with { Signature = f.Leaf.Signature.Select(b => (byte)~b).ToArray() };
        AssertRule(ValidationRule.LeafSignature, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(tampered, null, f.Context, null));
        AssertRule(ValidationRule.LeafSignature, MlsError.BadSignature, () => KeyPackageValidation.Validate(f.Suite, f.Kp with { LeafNode = tampered }));
    }

    [Theory]
    [InlineData((ushort)2, false)]
    [InlineData((ushort)2, true)]
    [InlineData((ushort)5, true)]
    [InlineData((ushort)7, false)]
    public void LeafSignatureKey_ACompressedOrMalformedEcdsaKey_IsAnInvalidKeyNotABadSignature(ushort suite, bool compressed)
    {
        var f = Make(suite);
        var key = f.Leaf.SignatureKey;
        // A compressed SEC1 point (0x02/0x03 ‖ x) of the same key, or the uncompressed point with y changed (off the curve).
        byte[] bad = compressed ? [(byte)(2 + (key[^1] & 1)), .. key.AsSpan(1, (key.Length - 1) / 2)] : [.. key[..^1], (byte)(key[^1] ^ 1)];
        var leaf = f.Leaf with { SignatureKey = bad };
        AssertRule(ValidationRule.LeafSignatureKey, MlsError.InvalidKey, () => LeafNodeValidator.Validate(leaf, null, f.Context, null));
        AssertRule(ValidationRule.LeafSignatureKey, MlsError.InvalidKey, () => KeyPackageValidation.Validate(f.Suite, f.Kp with { LeafNode = leaf }));
    }

    [Fact]
    public void LeafSource()
    {
        var f = Make();
        AssertRule(ValidationRule.LeafSource, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(f.Leaf, 0, f.Context, null, LeafNodeSource.Update));
        var update = f.Sign(f.Leaf with { LeafNodeSource = LeafNodeSource.Update, Lifetime = null }, 0);
        AssertRule(ValidationRule.LeafSource, MlsError.InvalidKeyPackage, () => KeyPackageValidation.Validate(f.Suite, f.Resign(f.Kp with { LeafNode = update })));
    }

    [Fact]
    public void LeafOwnCapabilities()
    {
        var f = Make();
        var noMls10 = f.Sign(f.Leaf with { Capabilities = f.Leaf.Capabilities with { Versions = [] } });
        var noOwnType = f.Sign(f.Leaf with { Capabilities = f.Leaf.Capabilities with { Credentials = [(ushort)CredentialType.X509] } });
        foreach (var leaf in new[] { noMls10, noOwnType })
        {
            AssertRule(ValidationRule.LeafOwnCapabilities, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(leaf, null, f.Context, null));
            AssertRule(ValidationRule.LeafOwnCapabilities, MlsError.InvalidKeyPackage, () => KeyPackageValidation.Validate(f.Suite, f.Resign(f.Kp with { LeafNode = leaf })));
        }
    }

    [Fact]
    public void LeafCipherSuite_IsOffByDefault_AndFiresWhenAskedFor()
    {
        var f = Make();
        var other = f.Sign(f.Leaf with { Capabilities = f.Leaf.Capabilities with { CipherSuites = [3] } });
        Assert.False(new LeafNodeValidationContext(f.Suite, GroupId).RequireCipherSuiteInCapabilities);
        Assert.False(Sim.Engine.Group.GroupOptions.Default.RequireCipherSuiteInCapabilities);
        LeafNodeValidator.Validate(other, null, f.Context, null);
        AssertRule(ValidationRule.LeafCipherSuite, MlsError.InvalidLeafNode,
            () => LeafNodeValidator.Validate(other, null, f.Context with { RequireCipherSuiteInCapabilities = true }, null));
    }

    [Fact]
    public void LeafExtensionsInCapabilities_ExceptDefaultTypes()
    {
        var f = Make();
        var unlisted = f.Sign(f.Leaf with { Extensions = [new Extension(0xff00, [1])] });
        AssertRule(ValidationRule.LeafExtensionsInCapabilities, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(unlisted, null, f.Context, null));
        AssertRule(ValidationRule.LeafExtensionsInCapabilities, MlsError.InvalidKeyPackage,
            () => KeyPackageValidation.Validate(f.Suite, f.Resign(f.Kp with { LeafNode = unlisted })));
        LeafNodeValidator.Validate(f.Sign(f.Leaf with { Extensions = [new Extension(Extension.ApplicationId, [1])] }), null, f.Context, null);
    }

    [Fact]
    public void LeafRequiredCapabilities()
    {
        var f = Make();
        var context = f.Context with { RequiredCapabilities = new RequiredCapabilities([0xff00], [], []) };
        AssertRule(ValidationRule.LeafRequiredCapabilities, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(f.Leaf, null, context, null));
        LeafNodeValidator.Validate(f.Leaf, null, f.Context with { RequiredCapabilities = new RequiredCapabilities([Extension.ExternalSenders], [1, 7], [1]) }, null);
    }

    [Theory]
    [InlineData(99UL)]
    [InlineData(201UL)]
    public void LeafLifetime_OutsideTheLifetime(ulong now)
    {
        var f = Make();
        AssertRule(ValidationRule.LeafLifetime, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(f.Leaf, null, f.Context with { CurrentTime = now }, null));
        AssertRule(ValidationRule.LeafLifetime, MlsError.InvalidKeyPackage, () => KeyPackageValidation.Validate(f.Suite, f.Kp, DateTimeOffset.FromUnixTimeSeconds((long)now)));
        // The bounds are inclusive, and without a clock only the order is checked.
        LeafNodeValidator.Validate(f.Leaf, null, f.Context with { CurrentTime = now < 100 ? 100UL : 200UL }, null);
        LeafNodeValidator.Validate(f.Leaf, null, f.Context, null);
    }

    [Fact]
    public void LeafLifetime_ReversedOrTooLong()
    {
        var f = Make();
        var reversed = f.Resign(f.Kp with { LeafNode = f.Leaf with { Lifetime = new Lifetime(200, 100) } });
        AssertRule(ValidationRule.LeafLifetime, MlsError.InvalidKeyPackage, () => KeyPackageValidation.Validate(f.Suite, reversed));
        AssertRule(ValidationRule.LeafLifetime, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(f.Leaf, null, f.Context with { MaxLifetimeSeconds = 99 }, null));
    }

    /// <summary>A one-member tree holding <paramref name="f"/>'s leaf at index 0.</summary>
    private static RatchetTree TreeOf(Fixture f) => RatchetTree.CreateOneMember(f.Suite, f.Leaf);

    [Fact]
    public void LeafEncryptionKeyChanged()
    {
        var f = Make();
        var sameKey = f.Sign(f.Leaf with { LeafNodeSource = LeafNodeSource.Update, Lifetime = null }, 0);
        AssertRule(ValidationRule.LeafEncryptionKeyChanged, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(sameKey, 0, f.Context, TreeOf(f)));
    }

    [Fact]
    public void LeafKeysUnique()
    {
        var f = Make();
        var other = Make(seed: 2);
        // Another client's leaf reusing f's encryption key.
        var reused = other.Sign(other.Leaf with { EncryptionKey = f.Leaf.EncryptionKey });
        AssertRule(ValidationRule.LeafKeysUnique, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(reused, null, f.Context, TreeOf(f)));
        LeafNodeValidator.Validate(other.Leaf, null, f.Context, TreeOf(f));
    }

    [Fact]
    public void LeafCredentialTypes()
    {
        var f = Make();
        var x509 = Make(seed: 3, credential: new Credential(CredentialType.X509, null, [[1, 2, 3]]));
        var leaf = x509.Sign(x509.Leaf with { Capabilities = x509.Leaf.Capabilities with { Credentials = [(ushort)CredentialType.X509] } });
        AssertRule(ValidationRule.LeafCredentialTypes, MlsError.InvalidLeafNode, () => LeafNodeValidator.Validate(leaf, null, f.Context, TreeOf(f)));
    }

    [Fact]
    public void KeyPackageVersionAndSuite_Keys_Signature()
    {
        var f = Make();
        AssertRule(ValidationRule.KeyPackageVersionAndSuite, MlsError.InvalidKeyPackage, () => KeyPackageValidation.Validate(f.Suite, f.Resign(f.Kp with { Version = 2 })));
        AssertRule(ValidationRule.KeyPackageVersionAndSuite, MlsError.InvalidKeyPackage, () => KeyPackageValidation.Validate(CipherSuite.Get(3), f.Kp));
        AssertRule(ValidationRule.KeyPackageKeys, MlsError.InvalidKeyPackage, () => KeyPackageValidation.Validate(f.Suite, f.Resign(f.Kp with { InitKey = f.Leaf.EncryptionKey })));
        AssertRule(ValidationRule.KeyPackageKeys, MlsError.InvalidKeyPackage, () => KeyPackageValidation.Validate(f.Suite, f.Resign(f.Kp with { InitKey = f.Kp.InitKey[1..] })));
        AssertRule(ValidationRule.KeyPackageSignature, MlsError.BadSignature, () => KeyPackageValidation.Validate(f.Suite, f.Kp with { Signature = f.Kp.Signature.Reverse().ToArray() }));
    }
}
