using System.Text.Json;
using Sim.Engine.Crypto;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Crypto;

/// <summary>
/// crypto-basics.json: one case per suite with known answers for RefHash, ExpandWithLabel,
/// DeriveSecret, DeriveTreeSecret, SignWithLabel/VerifyWithLabel and EncryptWithLabel/DecryptWithLabel
/// (HPKE base mode). Signatures are checked both ways: the vector's verifies, and ours verifies.
/// </summary>
public sealed class CryptoBasicsVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void CryptoBasicsJson(string provider) => VectorFile.RunAll(output, provider, "crypto-basics.json", (c, _) =>
    {
        var suite = CipherSuite.Get((ushort)c.U32("cipher_suite"));
        var random = new DeterministicRandomSource(42);

        var rh = c.GetProperty("ref_hash");
        Assert.Equal(rh.Hex("out"), suite.RefHash(rh.Str("label"), rh.Hex("value")));

        var ewl = c.GetProperty("expand_with_label");
        Assert.Equal(ewl.Hex("out"), suite.ExpandWithLabel(ewl.Hex("secret"), ewl.Str("label"), ewl.Hex("context"), (int)ewl.U32("length")));

        var ds = c.GetProperty("derive_secret");
        Assert.Equal(ds.Hex("out"), suite.DeriveSecret(ds.Hex("secret"), ds.Str("label")));

        var dts = c.GetProperty("derive_tree_secret");
        Assert.Equal(dts.Hex("out"), suite.DeriveTreeSecret(dts.Hex("secret"), dts.Str("label"), dts.U32("generation"), (int)dts.U32("length")));

        var swl = c.GetProperty("sign_with_label");
        var pub = swl.Hex("pub");
        Assert.Equal(pub, suite.Signature.PublicKeyOf(swl.Hex("priv")));
        Assert.True(suite.VerifyWithLabel(pub, swl.Str("label"), swl.Hex("content"), swl.Hex("signature")));
        var ours = suite.SignWithLabel(swl.Hex("priv"), swl.Str("label"), swl.Hex("content"));
        Assert.True(suite.VerifyWithLabel(pub, swl.Str("label"), swl.Hex("content"), ours));
        Assert.False(suite.VerifyWithLabel(pub, swl.Str("label") + "x", swl.Hex("content"), ours));

        var ewlE = c.GetProperty("encrypt_with_label");
        Assert.Equal(ewlE.Hex("pub"), suite.Kem.PublicKeyOf(ewlE.Hex("priv")));
        Assert.Equal(ewlE.Hex("plaintext"), suite.DecryptWithLabel(ewlE.Hex("priv"), ewlE.Str("label"), ewlE.Hex("context"), ewlE.Hex("kem_output"), ewlE.Hex("ciphertext")));
        var (kemOutput, ciphertext) = suite.EncryptWithLabel(ewlE.Hex("pub"), ewlE.Str("label"), ewlE.Hex("context"), ewlE.Hex("plaintext"), random);
        Assert.Equal(ewlE.Hex("plaintext"), suite.DecryptWithLabel(ewlE.Hex("priv"), ewlE.Str("label"), ewlE.Hex("context"), kemOutput, ciphertext));
    });
}
