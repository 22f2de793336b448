using BenchmarkDotNet.Attributes;
using Sim.Engine.Crypto;

namespace Sim.Benchmarks.Engine;

/// <summary>Each suite-1 primitive that a protected message costs, measured alone.</summary>
[MemoryDiagnoser]
public class PrimitiveBenchmarks
{
    private readonly CipherSuite _suite = CipherSuite.Get(1);
    private readonly DeterministicRandomSource _random = new(7);
    private KeyPair _kem = null!, _sig = null!;
    private byte[] _payload = null!, _key = null!, _nonce = null!, _sealed = null!, _signature = null!, _enc = null!, _ct = null!, _secret = null!;

    [GlobalSetup]
    public void Setup()
    {
        _kem = _suite.Kem.GenerateKeyPair(_random);
        _sig = _suite.Signature.GenerateKeyPair(_random);
        _payload = _random.NextBytes(100);
        _key = _random.NextBytes(_suite.Aead.KeyLength);
        _nonce = _random.NextBytes(Aead.NonceLength);
        _sealed = _suite.Aead.Seal(_key, _nonce, default, _payload);
        _signature = _suite.Signature.Sign(_sig.PrivateKey, _payload);
        (_enc, _ct) = _suite.Hpke.Seal(_kem.PublicKey, default, default, _payload, _random);
        _secret = _random.NextBytes(32);
    }

    [Benchmark] public KeyPair X25519DeriveKeyPair() => _suite.Kem.DeriveKeyPair(_secret);
    [Benchmark] public (byte[], byte[]) HpkeSeal() => _suite.Hpke.Seal(_kem.PublicKey, default, default, _payload, _random);
    [Benchmark] public byte[] HpkeOpen() => _suite.Hpke.Open(_enc, _kem.PrivateKey, default, default, _ct);
    [Benchmark] public byte[] Ed25519Sign() => _suite.Signature.Sign(_sig.PrivateKey, _payload);
    [Benchmark] public bool Ed25519Verify() => _suite.Signature.Verify(_sig.PublicKey, _payload, _signature);
    [Benchmark] public byte[] AeadSeal100() => _suite.Aead.Seal(_key, _nonce, default, _payload);
    [Benchmark] public byte[] AeadOpen100() => _suite.Aead.Open(_key, _nonce, default, _sealed);
    [Benchmark] public byte[] ExpandWithLabel() => _suite.ExpandWithLabel(_secret, "key", _nonce, 16);
}
