using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.Sidecar;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The stand-in's state store personalities answer like the real components behind daprd, and the connector's state
/// writes (<see cref="DaprConnectorStateStore"/>) mean the same on each of them without ever tripping the sidecar's
/// circuit breaker for a write the app expected to be refused.
/// </summary>
public sealed class StateStorePersonalityTests
{
    private const string Store = DaprNames.Components.StateStore;

    public static TheoryData<StateStorePersonality> All => [.. Enum.GetValues<StateStorePersonality>()];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(All))]
    public async Task An_insert_only_write_of_a_taken_key_is_false_without_a_failed_call(StateStorePersonality personality)
    {
        await using var sidecar = await StartAsync(personality);
        using var dapr = Client(sidecar);
        var store = new DaprConnectorStateStore(dapr);

        Assert.True(await store.TrySaveAsync("k", "first", etag: null, Token));
        for (var i = 0; i < 8; i++)
        {
            Assert.False(await store.TrySaveAsync("k", "again", etag: null, Token));
        }

        Assert.Equal("first", (await store.GetAsync<string>("k", Token)).Value);
        Assert.Equal(0, sidecar.CircuitBreakerTrips(Store));
        Assert.DoesNotContain(sidecar.StateRefusals, r => r.Refusal == StateWriteRefusal.Failed);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task A_key_created_insert_only_can_be_replaced_unconditionally_and_by_ETag(StateStorePersonality personality)
    {
        await using var sidecar = await StartAsync(personality);
        using var dapr = Client(sidecar);
        var store = new DaprConnectorStateStore(dapr);

        Assert.True(await store.TrySaveAsync("tenant", "created", etag: null, Token));
        await store.SaveAsync("tenant", "replaced", Token);
        var (value, etag) = await store.GetAsync<string>("tenant", Token);
        Assert.True(await store.TrySaveAsync("tenant", "updated", etag, Token));
        Assert.False(await store.TrySaveAsync("tenant", "stale", etag, Token));
        await store.SaveAsync("tenant", "last", Token);

        Assert.Equal("replaced", value);
        Assert.Equal("last", (await store.GetAsync<string>("tenant", Token)).Value);
        Assert.Equal(0, sidecar.CircuitBreakerTrips(Store));
        Assert.DoesNotContain(sidecar.StateRefusals, r => r.Refusal == StateWriteRefusal.Failed);
    }

    [Fact]
    public async Task PostgreSQL_v2_answers_a_first_write_of_a_taken_key_with_Internal_retried_below_the_breaker_s_trip()
    {
        // What an insert that lost a race for a new key meets (the key was absent when read, taken when written).
        await using var sidecar = await StartAsync(StateStorePersonality.PostgreSqlV2);
        using var dapr = Client(sidecar);
        await dapr.SaveStateAsync(Store, "k", "v", cancellationToken: Token);

        var ex = await Assert.ThrowsAsync<DaprException>(() =>
            dapr.TrySaveStateAsync(Store, "k", "v2", string.Empty, FirstWrite, cancellationToken: Token));
        var rpc = Assert.IsType<RpcException>(ex.InnerException);

        // "no item was updated" on the first attempt and each of stateRetry's retries, but fewer than componentCB's
        // trip: the sidecar's other connector-state calls go on (at 5 retries this one write opened the breaker).
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.DoesNotContain(ComponentCallRunner.OpenMessage, rpc.Status.Detail, StringComparison.Ordinal);
        var attempts = 1 + SidecarResiliency.Repository.For(Store)!.Retry!.MaxRetries;
        Assert.Equal(Enumerable.Repeat(($"{Store}/k", StateWriteRefusal.Failed), attempts), sidecar.StateRefusals);
        Assert.Equal(0, sidecar.CircuitBreakerTrips(Store));
        Assert.Equal("v", await dapr.GetStateAsync<string>(Store, "k", cancellationToken: Token));
    }

    [Fact]
    public async Task Redis_refuses_a_write_without_ETag_to_a_key_once_written_with_first_write()
    {
        await using var sidecar = await StartAsync(StateStorePersonality.Redis, SidecarResiliency.None);
        using var dapr = Client(sidecar);
        await dapr.SaveStateAsync(Store, "plain", "v", cancellationToken: Token);
        await dapr.SaveStateAsync(Store, "plain", "v2", stateOptions: FirstWrite, cancellationToken: Token);   // no marker yet: overwrites

        var ex = await Assert.ThrowsAsync<DaprException>(() => dapr.SaveStateAsync(Store, "plain", "v3", cancellationToken: Token));
        var (_, etag) = await dapr.GetStateAndETagAsync<string>(Store, "plain", cancellationToken: Token);
        var invalid = await Assert.ThrowsAsync<DaprException>(() =>
            dapr.TrySaveStateAsync(Store, "plain", "v4", "not-a-number", FirstWrite, cancellationToken: Token));

        Assert.Equal(StatusCode.Internal, ((RpcException)ex.InnerException!).StatusCode);
        Assert.Equal("2", etag);
        Assert.Equal(StatusCode.InvalidArgument, ((RpcException)invalid.InnerException!).StatusCode);
        Assert.True(await dapr.TrySaveStateAsync(Store, "plain", "v5", etag, cancellationToken: Token));
    }

    [Theory]
    [InlineData(StateStorePersonality.Sqlite)]
    [InlineData(StateStorePersonality.CosmosDb)]
    public async Task SQLite_and_Cosmos_DB_answer_a_taken_first_write_key_with_an_ETag_error(StateStorePersonality personality)
    {
        await using var sidecar = await StartAsync(personality);
        using var dapr = Client(sidecar);
        await dapr.SaveStateAsync(Store, "k", "v", cancellationToken: Token);

        Assert.False(await dapr.TrySaveStateAsync(Store, "k", "v2", string.Empty, FirstWrite, cancellationToken: Token));
        Assert.Equal(0, sidecar.CircuitBreakerTrips(Store));
    }

    [Fact]
    public async Task Cosmos_DB_refuses_a_transaction_of_more_than_100_operations()
    {
        await using var sidecar = await StartAsync(StateStorePersonality.CosmosDb);
        using var dapr = Client(sidecar);
        var operations = Enumerable.Range(0, 101).Select(i => new StateTransactionRequest($"k{i}", [1], StateOperationType.Upsert)).ToList();

        var ex = await Assert.ThrowsAsync<DaprException>(() => dapr.ExecuteStateTransactionAsync(Store, operations, cancellationToken: Token));
        await dapr.ExecuteStateTransactionAsync(Store, operations.Take(100).ToList(), cancellationToken: Token);

        Assert.Equal(StatusCode.InvalidArgument, ((RpcException)ex.InnerException!).StatusCode);
        Assert.Equal(100, sidecar.StateStore(Store).Snapshot().Count);
    }

    [Fact]
    public async Task A_transaction_is_all_or_nothing()
    {
        await using var sidecar = await StartAsync(StateStorePersonality.PostgreSqlV2, SidecarResiliency.None);
        using var dapr = Client(sidecar);

        await Assert.ThrowsAsync<DaprException>(() => dapr.ExecuteStateTransactionAsync(Store,
            [
                new StateTransactionRequest("a", [1], StateOperationType.Upsert),
                new StateTransactionRequest("b", [1], StateOperationType.Upsert, etag: Guid.NewGuid().ToString()),
            ],
            cancellationToken: Token));

        Assert.Empty(sidecar.StateStore(Store).Snapshot());
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Many_keys_are_saved_and_updated_in_bulk_old_and_new_alike_without_a_failed_call(StateStorePersonality personality)
    {
        await using var sidecar = await StartAsync(personality);
        using var dapr = Client(sidecar);
        IConnectorStateStore store = new DaprConnectorStateStore(dapr);
        var keys = Enumerable.Range(0, 150).Select(i => $"k{i:000}").ToArray(); // two bulk chunks
        foreach (var key in keys.Where((_, i) => i % 3 == 0))
        {
            Assert.True(await store.TrySaveAsync(key, new List<string> { "old" }, etag: null, Token)); // insert-only, as the engine creates keys
        }

        await store.SaveManyAsync([.. keys.Select(k => KeyValuePair.Create(k, new List<string> { "saved" }))], Token);
        await store.UpdateManyAsync<List<string>>(keys, (key, current) => [.. current ?? [], key], Token);

        var stored = await store.GetManyAsync<List<string>>(keys, Token);
        Assert.All(keys, k => Assert.Equal(["saved", k], stored[k]));
        Assert.Equal(0, sidecar.CircuitBreakerTrips(Store));
        Assert.DoesNotContain(sidecar.StateRefusals, r => r.Refusal == StateWriteRefusal.Failed);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Two_bulk_updates_racing_to_create_the_same_keys_lose_nothing_and_stay_below_the_breaker_s_trip(StateStorePersonality personality)
    {
        await using var sidecar = await StartAsync(personality);
        using var dapr = Client(sidecar);
        IConnectorStateStore store = new DaprConnectorStateStore(dapr);
        var keys = Enumerable.Range(0, 40).Select(i => $"r{i}").ToArray();

        // Each writer adds its name to every key. The loser of the race (its inserts refused: an ETag error, or on
        // postgresql v2 and redis a plain error retried 1 + 3 times, below componentCB's 5) writes again key by key.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(w => Task.Run(
            () => store.UpdateManyAsync<List<string>>(keys, (_, current) => current?.Contains($"w{w}") == true ? current : [.. current ?? [], $"w{w}"], Token),
            Token)));

        var stored = await store.GetManyAsync<List<string>>(keys, Token);
        Assert.All(keys, k => Assert.Equal(["w0", "w1"], stored[k].Order(StringComparer.Ordinal)));
        Assert.Equal(0, sidecar.CircuitBreakerTrips(Store));
    }

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };

    private static Task<StandInSidecar> StartAsync(StateStorePersonality personality, SidecarResiliency? resiliency = null) =>
        StandInSidecar.StartAsync(new StandInSidecarOptions { StatePersonality = personality, Resiliency = resiliency ?? SidecarResiliency.Repository }, Token);

    private static DaprClient Client(StandInSidecar sidecar) =>
        new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint.ToString()).UseHttpEndpoint(sidecar.HttpEndpoint.ToString()).Build();
}
