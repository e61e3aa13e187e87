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
        Assert.ThrowsAny<CryptographicException>(
            () => protector.Unprotect(sealedValue with { Ciphertext = Convert.ToBase64String(bytes) }, "contoso|Zendesk|access"));
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

    [Fact]
    public void A_key_ring_refuses_no_keys_short_keys_and_an_unknown_current_key_naming_what_is_wrong()
    {
        var empty = Assert.Throws<ArgumentException>(() => new TokenKeyRing(new Dictionary<string, byte[]>(), "k1"));
        Assert.Contains("At least one token-encryption key", empty.Message, StringComparison.Ordinal);
        var shortKey = Assert.Throws<ArgumentException>(() => Ring("k1", ("k1", Key1), ("old", new byte[31])));
        Assert.Contains("'old' must be 32 bytes (AES-256); it has 31", shortKey.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Ring("k1", ("k1", new byte[33])));
        var unknown = Assert.Throws<ArgumentException>(() => Ring("k3", ("k1", Key1), ("k2", Key2)));
        Assert.Contains("'k3' is not among the keys (k1, k2)", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_secret_store_form_tolerates_spaces_and_empty_parts_and_names_the_bad_part()
    {
        var ring = TokenKeyRing.Parse($" k1={Convert.ToBase64String(Key1)} ;; k2={Convert.ToBase64String(Key2)};", " k2 ");
        Assert.Equal("k2", ring.CurrentKeyId);
        var sealedWithK1 = new TokenProtector(Ring("k1", ("k1", Key1))).Protect(AccessToken, "slot");
        Assert.Equal(AccessToken, new TokenProtector(ring).Unprotect(sealedWithK1, "slot"));

        var noSeparator = Assert.Throws<FormatException>(() => TokenKeyRing.Parse("k1;k2", "k1"));
        Assert.Contains($"'{SecretNames.TokenEncryptionKeys}' must look like 'k1=<base64>;k2=<base64>'", noSeparator.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => TokenKeyRing.Parse($"={Convert.ToBase64String(Key1)}", "k1"));
        var notBase64 = Assert.Throws<FormatException>(() => TokenKeyRing.Parse("k7=not base64!", "k7"));
        Assert.Contains("Key 'k7'", notBase64.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<ArgumentException>(() => TokenKeyRing.Parse(" ", "k1"));
        Assert.ThrowsAny<ArgumentException>(() => TokenKeyRing.Parse($"k1={Convert.ToBase64String(Key1)}", " "));
    }

    [Fact]
    public async Task A_missing_current_key_id_secret_is_named()
    {
        var secrets = new DictionarySecrets(new() { [SecretNames.TokenEncryptionKeys] = $"k1={Convert.ToBase64String(Key1)}" });

        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => TokenKeyRing.LoadAsync(secrets, None));

        Assert.Contains($"'{SecretNames.TokenEncryptionCurrentKeyId}' is missing", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_values_sealed_with_an_older_key_need_rotation_and_text_survives_the_round_trip()
    {
        var ring = Ring("k2", ("k1", Key1), ("k2", Key2));
        var old = new TokenProtector(Ring("k1", ("k1", Key1))).Protect("ünïcode ✓ token", "slot");
        var current = new TokenProtector(ring);

        Assert.True(current.NeedsRotation(old));
        Assert.False(current.NeedsRotation(current.Protect("x", "slot")));
        Assert.Equal("ünïcode ✓ token", current.Unprotect(old, "slot"));
        Assert.Equal(string.Empty, current.Unprotect(current.Protect(string.Empty, "slot"), "slot"));
    }

    [Fact]
    public async Task A_token_set_without_a_refresh_token_reads_back_and_is_deleted_with_the_tenant()
    {
        var store = new InMemoryConnectorStateStore();
        var tokens = new TenantTokenStore(store, new TokenProtector(Ring("k1", ("k1", Key1))), new FakeTimeProvider(TestData.T0));
        var accessOnly = Tokens() with { RefreshToken = null, RefreshTokenExpiresAt = null };

        await tokens.SaveAsync("contoso", ConnectedSystem.Acumatica, accessOnly, None);

        Assert.Equal(accessOnly, await tokens.GetAsync("contoso", ConnectedSystem.Acumatica, None));
        await tokens.DeleteAsync("contoso", ConnectedSystem.Acumatica, None);
        Assert.Null(await tokens.GetAsync("contoso", ConnectedSystem.Acumatica, None));
        Assert.Null(store.GetRaw(StateKeys.Tokens("contoso", ConnectedSystem.Acumatica)));
    }

    [Fact]
    public async Task Reading_re_encrypts_only_when_a_token_was_sealed_with_an_older_key()
    {
        var store = new InMemoryConnectorStateStore();
        var time = new FakeTimeProvider(TestData.T0);
        var key = StateKeys.Tokens("contoso", ConnectedSystem.Zendesk);
        var current = new TenantTokenStore(store, new TokenProtector(Ring("k2", ("k1", Key1), ("k2", Key2))), time);
        await current.SaveAsync("contoso", ConnectedSystem.Zendesk, Tokens(), None);
        time.Advance(TimeSpan.FromMinutes(5));

        await current.GetAsync("contoso", ConnectedSystem.Zendesk, None);
        Assert.Equal(TestData.T0, (await store.GetAsync<StoredTokens>(key, None)).Value!.UpdatedAt); // nothing to rotate: not written

        // Only the refresh token is old (sealed with k1): that alone makes the read re-encrypt both.
        var stored = (await store.GetAsync<StoredTokens>(key, None)).Value!;
        var oldRefresh = new TokenProtector(Ring("k1", ("k1", Key1))).Protect(RefreshToken, "contoso|Zendesk|refresh");
        await store.SaveAsync(key, stored with { RefreshToken = oldRefresh }, None);

        Assert.Equal(RefreshToken, (await current.GetAsync("contoso", ConnectedSystem.Zendesk, None))!.RefreshToken);
        var rotated = (await store.GetAsync<StoredTokens>(key, None)).Value!;
        Assert.Equal(("k2", TestData.T0.AddMinutes(5)), (rotated.RefreshToken!.KeyId, rotated.UpdatedAt));
    }

    [Fact]
    public void A_token_set_prints_its_expiry_and_scope_and_whether_it_has_a_refresh_token()
    {
        var text = Tokens().ToString();
        Assert.Contains("RefreshToken = ***", text, StringComparison.Ordinal);
        Assert.Contains($"AccessTokenExpiresAt = {TestData.T0.AddHours(1):O}", text, StringComparison.Ordinal);
        Assert.Contains("Scope = api offline_access", text, StringComparison.Ordinal);
        Assert.Contains("RefreshToken = null", (Tokens() with { RefreshToken = null }).ToString(), StringComparison.Ordinal);
    }

    private sealed class DictionarySecrets(Dictionary<string, string> values) : ISecretSource
    {
        public Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken) => Task.FromResult(values.GetValueOrDefault(name));
    }
}
