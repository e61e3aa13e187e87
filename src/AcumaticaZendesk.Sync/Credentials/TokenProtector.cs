using System.Security.Cryptography;
using System.Text;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Credentials;

/// <summary>An encrypted value: AES-256-GCM with the id of the key that sealed it (for rotation).</summary>
public sealed record ProtectedValue(string KeyId, string Nonce, string Ciphertext, string Tag);

/// <summary>Token-encryption keys: several readable, one current (used for new writes).</summary>
public sealed class TokenKeyRing
{
    private readonly Dictionary<string, byte[]> _keys;

    public TokenKeyRing(IReadOnlyDictionary<string, byte[]> keys, string currentKeyId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one token-encryption key is required.", nameof(keys));
        }

        foreach (var (id, key) in keys)
        {
            if (key.Length != 32)
            {
                throw new ArgumentException($"Token-encryption key '{id}' must be 32 bytes (AES-256); it has {key.Length}.", nameof(keys));
            }
        }

        if (!keys.ContainsKey(currentKeyId))
        {
            throw new ArgumentException($"The current key id '{currentKeyId}' is not among the keys ({string.Join(", ", keys.Keys)}).", nameof(currentKeyId));
        }

        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray(), StringComparer.Ordinal);
        CurrentKeyId = currentKeyId;
    }

    public string CurrentKeyId { get; }

    internal byte[] Current => _keys[CurrentKeyId];

    internal bool TryGet(string keyId, out byte[] key) => _keys.TryGetValue(keyId, out key!);

    /// <summary>Parses the secret-store form: <paramref name="keys"/> = <c>k1=base64;k2=base64</c>, <paramref name="currentKeyId"/> = <c>k2</c>.</summary>
    public static TokenKeyRing Parse(string keys, string currentKeyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keys);
        ArgumentException.ThrowIfNullOrWhiteSpace(currentKeyId);
        var parsed = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var part in keys.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new FormatException($"Secret '{SecretNames.TokenEncryptionKeys}' must look like 'k1=<base64>;k2=<base64>'.");
            }

            try
            {
                parsed[part[..separator]] = Convert.FromBase64String(part[(separator + 1)..]);
            }
            catch (FormatException)
            {
                throw new FormatException($"Key '{part[..separator]}' in secret '{SecretNames.TokenEncryptionKeys}' is not base64.");
            }
        }

        return new TokenKeyRing(parsed, currentKeyId.Trim());
    }

    /// <summary>Loads the key ring from the secret store (see <see cref="SecretNames"/>).</summary>
    public static async Task<TokenKeyRing> LoadAsync(ISecretSource secrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var keys = await secrets.GetSecretAsync(SecretNames.TokenEncryptionKeys, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Secret '{SecretNames.TokenEncryptionKeys}' is missing from the secret store.");
        var current = await secrets.GetSecretAsync(SecretNames.TokenEncryptionCurrentKeyId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Secret '{SecretNames.TokenEncryptionCurrentKeyId}' is missing from the secret store.");
        return Parse(keys, current);
    }
}

/// <summary>AES-256-GCM for tokens; the associated data binds a ciphertext to its slot, so a value copied elsewhere does not decrypt.</summary>
public sealed class TokenProtector(TokenKeyRing keyRing)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public ProtectedValue Protect(string plaintext, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var input = Encoding.UTF8.GetBytes(plaintext);
        var ciphertext = new byte[input.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(keyRing.Current, TagSize))
        {
            aes.Encrypt(nonce, input, ciphertext, tag, Encoding.UTF8.GetBytes(associatedData));
        }

        CryptographicOperations.ZeroMemory(input);
        return new ProtectedValue(keyRing.CurrentKeyId, Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag));
    }

    /// <summary>Decrypts; throws <see cref="CryptographicException"/> when the key is unknown or the value was tampered with.</summary>
    public string Unprotect(ProtectedValue value, string associatedData)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!keyRing.TryGet(value.KeyId, out var key))
        {
            throw new CryptographicException($"Token was encrypted with key '{value.KeyId}', which is not in the key ring any more.");
        }

        var ciphertext = Convert.FromBase64String(value.Ciphertext);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(Convert.FromBase64String(value.Nonce), ciphertext, Convert.FromBase64String(value.Tag), plaintext, Encoding.UTF8.GetBytes(associatedData));
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>True when the value was sealed with an older key and should be re-encrypted.</summary>
    public bool NeedsRotation(ProtectedValue value) => value.KeyId != keyRing.CurrentKeyId;
}
