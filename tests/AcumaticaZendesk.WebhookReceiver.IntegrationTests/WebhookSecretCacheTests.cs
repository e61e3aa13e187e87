using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.WebhookReceiver.Webhooks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.WebhookReceiver.IntegrationTests;

/// <summary>Issue 17 finding 6: a flood of webhooks does not become a flood of secret-store reads.</summary>
public sealed class WebhookSecretCacheTests
{
    private sealed class CountingSecrets : ISecretSource
    {
        public Dictionary<string, string> Values { get; } = [];

        public int Reads { get; private set; }

        public Task<string?> GetSecretAsync(string name, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(Values.TryGetValue(name, out var v) ? v : null);
        }
    }

    [Fact]
    public async Task Known_and_unknown_tenants_are_read_once_per_period()
    {
        var secrets = new CountingSecrets { Values = { ["known"] = "s1" } };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var cache = new WebhookSecretCache(secrets, time, Options.Create(new WebhookReceiverOptions()));
        var ct = TestContext.Current.CancellationToken;

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(["s1"], await cache.GetAsync("known", "known-previous", ct));
            Assert.Empty(await cache.GetAsync("unknown", "unknown-previous", ct));
        }

        Assert.Equal(4, secrets.Reads);

        secrets.Values["unknown"] = "s2";
        time.Advance(new WebhookReceiverOptions().MissingSecretCacheDuration);
        Assert.Equal(["s2"], await cache.GetAsync("unknown", "unknown-previous", ct));
        Assert.Equal(6, secrets.Reads);
    }
}
