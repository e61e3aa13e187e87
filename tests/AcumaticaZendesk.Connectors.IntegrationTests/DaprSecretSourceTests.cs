using AcumaticaZendesk.Connectors.Secrets;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace AcumaticaZendesk.Connectors.IntegrationTests;

public sealed class DaprSecretSourceTests
{
    private readonly DaprClient _dapr = Substitute.For<DaprClient>();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private DaprSecretSource Source(DaprSecretSourceOptions? options = null) =>
        new(_dapr, Options.Create(options ?? new DaprSecretSourceOptions()), _time, NullLogger<DaprSecretSource>.Instance);

    private void Store(string key, string value) =>
        _dapr.GetSecretAsync("connector-secrets", key, Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(new Dictionary<string, string> { [key] = value });

    [Fact]
    public async Task Reads_nested_names_with_the_components_separator_and_caches_them()
    {
        Store("tenants--acme--acumatica--password", "pw-1");
        var source = Source();

        Assert.Equal("pw-1", await source.GetSecretAsync("tenants:acme:acumatica:password", _ct));
        Assert.Equal("pw-1", await source.GetSecretAsync("tenants:acme:acumatica:password", _ct));
        await _dapr.Received(1).GetSecretAsync(
            "connector-secrets",
            "tenants--acme--acumatica--password",
            Arg.Any<IReadOnlyDictionary<string, string>>(),
            Arg.Any<CancellationToken>());

        Store("tenants--acme--acumatica--password", "pw-2"); // rotated by an operator
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("pw-2", await source.GetSecretAsync("tenants:acme:acumatica:password", _ct));
    }

    [Fact]
    public async Task A_missing_secret_is_null_and_remembered_briefly()
    {
        _dapr.GetSecretAsync("connector-secrets", "oauth--zendesk--client-id", Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new DaprException("Secret operation failed.", new RpcException(new Status(StatusCode.Internal,
                "failed getting secret with key oauth--zendesk--client-id from secret store connector-secrets: secret oauth--zendesk--client-id not found"))));
        var source = Source();

        Assert.Null(await source.GetSecretAsync("oauth:zendesk:client-id", _ct));
        Assert.Null(await source.GetSecretAsync("oauth:zendesk:client-id", _ct));
        await _dapr.Received(1).GetSecretAsync(
            "connector-secrets",
            "oauth--zendesk--client-id",
            Arg.Any<IReadOnlyDictionary<string, string>>(),
            Arg.Any<CancellationToken>());

        var ex = await Assert.ThrowsAsync<MissingSecretException>(() => source.RequireSecretAsync("oauth:zendesk:client-id", _ct));
        Assert.Contains("'oauth:zendesk:client-id'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Dapr secret store 'connector-secrets' (key 'oauth--zendesk--client-id')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sidecar_that_does_not_answer_within_the_deadline_is_a_clear_unavailable_error()
    {
        _dapr.GetSecretAsync("connector-secrets", "token-encryption--keys", Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, _time, call.ArgAt<CancellationToken>(3));
                return new Dictionary<string, string>();
            });
        var source = Source(new DaprSecretSourceOptions { Timeout = TimeSpan.FromSeconds(2) });

        var pending = source.GetSecretAsync("token-encryption:keys", _ct);
        _time.Advance(TimeSpan.FromSeconds(2));
        var ex = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => pending);

        Assert.Contains("'connector-secrets'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'token-encryption--keys'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2 s", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_store_failures_are_not_mistaken_for_a_missing_secret()
    {
        _dapr.GetSecretAsync(
            "connector-secrets",
            "oauth--acumatica--client-secret",
            Arg.Any<IReadOnlyDictionary<string, string>>(),
            Arg.Any<CancellationToken>())
            .ThrowsAsync(new DaprException("Secret operation failed.", new RpcException(new Status(StatusCode.Unavailable, "connection refused"))));

        var ex = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => Source().GetSecretAsync("oauth:acumatica:client-secret", _ct));

        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_without_nesting_keeps_the_colons()
    {
        Store("oauth:acumatica:client-id", "id@Company");

        Assert.Equal("id@Company", await Source(new DaprSecretSourceOptions { NestedSeparator = ":" }).GetSecretAsync("oauth:acumatica:client-id", _ct));
    }

    /// <summary>The webhook receiver caches per tenant in front of it and sets both durations to zero.</summary>
    [Fact]
    public async Task Zero_durations_read_the_store_every_time()
    {
        Store("tenants--acme--zendesk--webhook-signing-secret", "s-1");
        var source = Source(new DaprSecretSourceOptions { CacheDuration = TimeSpan.Zero, MissingCacheDuration = TimeSpan.Zero });

        await source.GetSecretAsync("tenants:acme:zendesk:webhook-signing-secret", _ct);
        await source.GetSecretAsync("tenants:acme:zendesk:webhook-signing-secret", _ct);

        await _dapr.Received(2).GetSecretAsync(
            "connector-secrets",
            "tenants--acme--zendesk--webhook-signing-secret",
            Arg.Any<IReadOnlyDictionary<string, string>>(),
            Arg.Any<CancellationToken>());
    }

    /// <summary>Names made of tenant ids from request paths cannot grow the cache without bound.</summary>
    [Fact]
    public async Task The_cache_starts_over_once_it_holds_the_most_keys()
    {
        _dapr.GetSecretAsync("connector-secrets", Arg.Any<string>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns(new Dictionary<string, string>());
        var source = Source();
        for (var i = 0; i < DaprSecretSource.MaxCachedKeys; i++)
            await source.GetSecretAsync($"tenants:t{i}:zendesk:webhook-signing-secret", _ct);

        await source.GetSecretAsync("tenants:t0:zendesk:webhook-signing-secret", _ct);
        await _dapr.Received(1).GetSecretAsync(
            "connector-secrets",
            "tenants--t0--zendesk--webhook-signing-secret",
            Arg.Any<IReadOnlyDictionary<string, string>>(),
            Arg.Any<CancellationToken>());
        await source.GetSecretAsync("tenants:one-more:zendesk:webhook-signing-secret", _ct);
        await source.GetSecretAsync("tenants:t0:zendesk:webhook-signing-secret", _ct);

        await _dapr.Received(2).GetSecretAsync(
            "connector-secrets",
            "tenants--t0--zendesk--webhook-signing-secret",
            Arg.Any<IReadOnlyDictionary<string, string>>(),
            Arg.Any<CancellationToken>());
    }
}
