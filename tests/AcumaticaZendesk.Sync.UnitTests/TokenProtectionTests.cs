using System.Security.Cryptography;
using System.Text;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Sync.UnitTests;

public sealed class TokenProtectionTests
{
    private const string AccessToken = "acc-TOKEN-0123456789abcdef";
    private const string RefreshToken = "ref-TOKEN-fedcba9876543210";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly byte[] Key1 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Key2 = Enumerable.Range(101, 32).Select(i => (byte)i).ToArray();

    private static TokenKeyRing Ring(string current, params (string Id, byte[] Key)[] keys) =>
        new(keys.ToDictionary(k => k.Id, k => k.Key), current);

    private static TokenSet Tokens() => new(AccessToken, RefreshToken, TestData.T0.AddHours(1), TestData.T0.AddDays(30), "api offline_access");

    [Fact]
    public async Task Stored_bytes_never_contain_the_tokens_and_they_read_back()
    {
        var store = new InMemoryConnectorStateStore();
        var tokens = new TenantTokenStore(store, new TokenProtector(Ring("k1", ("k1", Key1))), new FakeTimeProvider(TestData.T0));

        await tokens.SaveAsync("contoso", ConnectedSystem.Acumatica, Tokens(), None);

        var raw = Encoding.UTF8.GetString(store.GetRaw(StateKeys.Tokens("contoso", ConnectedSystem.Acumatica))!);
        Assert.DoesNotContain("TOKEN", raw, StringComparison.Ordinal);
        Assert.Contains("\"keyId\":\"k1\"", raw, StringComparison.Ordinal);
        Assert.Equal(Tokens(), await tokens.GetAsync("contoso", ConnectedSystem.Acumatica, None));
        Assert.Null(await tokens.GetAsync("contoso", ConnectedSystem.Zendesk, None));
    }

    [Fact]
    public async Task Rotation_reads_old_keys_and_re_encrypts_with_the_current_one()
    {
        var store = new InMemoryConnectorStateStore();
        var time = new FakeTimeProvider(TestData.T0);
        await new TenantTokenStore(store, new TokenProtector(Ring("k1", ("k1", Key1))), time).SaveAsync("contoso", ConnectedSystem.Zendesk, Tokens(), None);
        var rotated = new TenantTokenStore(store, new TokenProtector(Ring("k2", ("k1", Key1), ("k2", Key2))), time);

        Assert.Equal(AccessToken, (await rotated.GetAsync("contoso", ConnectedSystem.Zendesk, None))!.AccessToken);

        var stored = (await store.GetAsync<StoredTokens>(StateKeys.Tokens("contoso", ConnectedSystem.Zendesk), None)).Value!;
        Assert.Equal(("k2", "k2"), (stored.AccessToken.KeyId, stored.RefreshToken!.KeyId));
        var onlyNewKey = new TenantTokenStore(store, new TokenProtector(Ring("k2", ("k2", Key2))), time);
        Assert.Equal(RefreshToken, (await onlyNewKey.GetAsync("contoso", ConnectedSystem.Zendesk, None))!.RefreshToken);
    }

    [Fact]
    public void A_ciphertext_moved_to_another_slot_or_tampered_with_does_not_decrypt()
    {
        var protector = new TokenProtector(Ring("k1", ("k1", Key1)));
        var sealedValue = protector.Protect(AccessToken, "contoso|Zendesk|access");

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedValue, "fabrikam|Zendesk|access"));
        var bytes = Convert.FromBase64String(sealedValue.Ciphertext);
        bytes[0] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedValue with { Ciphertext = Convert.ToBase64String(bytes) }, "contoso|Zendesk|access"));
        var unknown = Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedValue with { KeyId = "k9" }, "contoso|Zendesk|access"));
        Assert.Contains("'k9'", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_encryption_uses_a_fresh_nonce()
    {
        var protector = new TokenProtector(Ring("k1", ("k1", Key1)));

        Assert.NotEqual(protector.Protect(AccessToken, "a").Ciphertext, protector.Protect(AccessToken, "a").Ciphertext);
    }

    [Fact]
    public async Task The_key_ring_loads_from_the_secret_store_and_rejects_bad_keys()
    {
        var secrets = new DictionarySecrets(new()
        {
            [SecretNames.TokenEncryptionKeys] = $"k1={Convert.ToBase64String(Key1)}; k2={Convert.ToBase64String(Key2)}",
            [SecretNames.TokenEncryptionCurrentKeyId] = "k2",
        });

        var ring = await TokenKeyRing.LoadAsync(secrets, None);

        Assert.Equal("k2", ring.CurrentKeyId);
        Assert.Throws<ArgumentException>(() => TokenKeyRing.Parse($"k1={Convert.ToBase64String(new byte[16])}", "k1"));
        Assert.Throws<ArgumentException>(() => TokenKeyRing.Parse($"k1={Convert.ToBase64String(Key1)}", "k3"));
        Assert.Throws<FormatException>(() => TokenKeyRing.Parse("k1=not base64!", "k1"));
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => TokenKeyRing.LoadAsync(new DictionarySecrets([]), None));
        Assert.Contains(SecretNames.TokenEncryptionKeys, missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_sets_never_print_their_tokens()
    {
        Assert.DoesNotContain(AccessToken, Tokens().ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(RefreshToken, Tokens().ToString(), StringComparison.Ordinal);
    }

    private sealed class DictionarySecrets(Dictionary<string, string> values) : ISecretSource
    {
        public Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken) => Task.FromResult(values.GetValueOrDefault(name));
    }
}
