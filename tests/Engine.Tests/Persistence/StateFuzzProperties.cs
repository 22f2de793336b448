using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Tree;
using Sim.Engine.Tree;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Persistence;

/// <summary>
/// Saved state read back from a corrupted disk never escapes as anything but
/// <see cref="MlsDecodeException"/>. For every kind of saved state, a seeded loop feeds
/// <see cref="StateEnvelope.Open{T}"/> random bytes, truncations, bit flips, insertions, deletions
/// and random tails of real saved blobs. Whatever does load must be canonical (saving it again gives
/// the input bytes) and usable: a loaded secret tree hands out keys or raises only
/// <see cref="MlsProtocolException"/>, a loaded ratchet tree computes its tree hash.
/// Case counts are printed per kind.
/// </summary>
public sealed class StateFuzzProperties(ITestOutputHelper output)
{
    private const int CasesPerKind = 3000;

    private sealed record Target(StateKind Kind, IReadOnlyList<byte[]> Seeds, Func<byte[], byte[]> LoadAndSave);

    private static Func<byte[], byte[]> Codec<T>(StateKind kind, TlsReadFunc<T> load, Func<T, Action<TlsWriter>> save, Action<T>? use = null) =>
        bytes =>
        {
            var value = StateEnvelope.Open(bytes, kind, load);
            var again = StateEnvelope.Seal(kind, save(value));
            use?.Invoke(value);
            return again;
        };

    private static void UseSecretTree(SecretTree tree)
    {
        for (uint leaf = 0; leaf < Math.Min(tree.LeafCount, 8u); leaf++)
            foreach (var g in new uint[] { 0, 3 })
            {
                try { tree.ForDecryption(leaf, RatchetKind.Application, g).Clear(); }
                catch (MlsProtocolException) { }
            }
    }

    private static IEnumerable<Target> Targets()
    {
        var kit = new TreeTestKit(1, seed: 99);
        var (tree, _, privates) = kit.Group(5);
        var diff = tree.Stage();
        diff.Extend();
        var extended = diff.ToTree();

        using var driven = new SecretTree(kit.Suite, new byte[32], 4, new SecretTreeOptions(3, 20));
        driven.ForDecryption(1, RatchetKind.Application, 6).Clear();
        driven.ForDecryption(1, RatchetKind.Application, 4).Clear();
        driven.NextForEncryption(2, RatchetKind.Handshake).Clear();
        using var fresh = new SecretTree(CipherSuite.Get(4), new byte[64], 2);

        using var epoch1 = EpochSecrets.FromEpochSecret(kit.Suite, new byte[32]);
        using var epoch4 = EpochSecrets.FromEpochSecret(CipherSuite.Get(4), new byte[64]);
        var random = new DeterministicRandomSource(5, "fuzz");
        KeyPackageBundle Bundle(ushort id)
        {
            var s = CipherSuite.Get(id);
            return KeyPackageBundle.Create(s, s.Signature.GenerateKeyPair(random), Credential.Basic("f"u8.ToArray()), new Lifetime(0, 1), random);
        }

        yield return new(StateKind.Secret, [Saved.Save(StateKind.Secret, Secret.Copy(new byte[32]).Save)],
            Codec(StateKind.Secret, Secret.Load, s => s.Save));
        yield return new(StateKind.EpochSecrets, [Saved.Save(StateKind.EpochSecrets, epoch1.Save), Saved.Save(StateKind.EpochSecrets, epoch4.Save)],
            Codec(StateKind.EpochSecrets, EpochSecrets.Load, e => e.Save));
        yield return new(StateKind.SecretTree, [Saved.Save(StateKind.SecretTree, driven.Save), Saved.Save(StateKind.SecretTree, fresh.Save)],
            Codec(StateKind.SecretTree, SecretTree.Load, t => t.Save, UseSecretTree));
        yield return new(StateKind.TreeKemPrivate, privates.Select(p => Saved.Save(StateKind.TreeKemPrivate, p.Save)).ToList(),
            Codec(StateKind.TreeKemPrivate, TreeKemPrivate.Load, p => p.Save));
        yield return new(StateKind.RatchetTree, [Saved.Save(StateKind.RatchetTree, tree.Save), Saved.Save(StateKind.RatchetTree, extended.Save)],
            Codec(StateKind.RatchetTree, RatchetTree.Load, t => t.Save, t => t.TreeHash()));
        yield return new(StateKind.KeyPackageBundle, [Saved.Save(StateKind.KeyPackageBundle, Bundle(1).Save), Saved.Save(StateKind.KeyPackageBundle, Bundle(2).Save)],
            Codec(StateKind.KeyPackageBundle, KeyPackageBundle.Load, b => b.Save));
        yield return new(StateKind.KeyPair, [Saved.Save(StateKind.KeyPair, kit.Suite.Kem.GenerateKeyPair(random).Save)],
            Codec(StateKind.KeyPair, KeyPair.Load, p => p.Save));
    }

    private static (string Kind, byte[] Bytes) Mutate(Random r, byte[] seed)
    {
        switch (r.Next(8))
        {
            case 0:
            {
                var b = new byte[r.Next(120)];
                r.NextBytes(b);
                // Half the random inputs get a valid header, so the body decoders see them.
                if (r.Next(2) == 0 && b.Length >= StateEnvelope.HeaderLength) seed.AsSpan(0, StateEnvelope.HeaderLength).CopyTo(b);
                return ("random", b);
            }
            case 1:
                return ("truncation", seed[..r.Next(seed.Length)]);
            case 2:
            case 3:
            case 4:
            {
                var b = (byte[])seed.Clone();
                int flips = 1 + r.Next(3);
                for (int i = 0; i < flips; i++) b[r.Next(b.Length)] ^= (byte)(1 << r.Next(8));
                return ($"flip×{flips}", b);
            }
            case 5:
            {
                int at = r.Next(seed.Length + 1);
                var insert = new byte[1 + r.Next(4)];
                r.NextBytes(insert);
                return ($"insert@{at}", [.. seed[..at], .. insert, .. seed[at..]]);
            }
            case 6:
            {
                int at = r.Next(seed.Length), n = 1 + r.Next(Math.Min(4, seed.Length - at));
                return ($"delete@{at}", [.. seed[..at], .. seed[(at + n)..]]);
            }
            default:
            {
                int at = r.Next(seed.Length + 1);
                var tail = new byte[r.Next(64)];
                r.NextBytes(tail);
                return ($"splice@{at}", [.. seed[..at], .. tail]);
            }
        }
    }

    [Fact]
    public void CorruptedStateThrowsOnlyMlsDecodeException()
    {
        foreach (var target in Targets())
        {
            foreach (var seed in target.Seeds) Assert.Equal(seed, target.LoadAndSave(seed));
            var random = new Random((int)target.Kind * 7919);
            int rejected = 0, loaded = 0;
            for (int i = 0; i < CasesPerKind; i++)
            {
                var (how, bytes) = Mutate(random, target.Seeds[random.Next(target.Seeds.Count)]);
                try
                {
                    var again = target.LoadAndSave(bytes);
                    Assert.True(again.AsSpan().SequenceEqual(bytes), $"{target.Kind} case {i} ({how}) loaded but is not canonical: {Convert.ToHexString(bytes)}");
                    loaded++;
                }
                catch (MlsDecodeException)
                {
                    rejected++;
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    Assert.Fail($"{target.Kind} case {i} ({how}) threw {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(bytes)}");
                }
            }
            output.WriteLine($"STATE FUZZ {target.Kind}: {CasesPerKind} cases, {rejected} rejected, {loaded} loaded");
            Assert.True(rejected > CasesPerKind / 2, $"{target.Kind}: only {rejected} rejections");
        }
    }
}
