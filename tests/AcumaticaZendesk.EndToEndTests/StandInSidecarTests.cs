using System.Net;
using System.Text.Json.Nodes;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.SyncWorker.TenantSync;
using Dapr;
using Dapr.Client;
using Dapr.Workflow;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The stand-in sidecar behaves like daprd where the apps depend on it, and refuses loudly where it does not
/// implement something, so no test passes by silence.
/// </summary>
public sealed class StandInSidecarTests : AppsTestBase
{
    [Fact]
    public async Task A_stale_ETag_write_is_refused_and_a_must_not_exist_write_only_creates()
    {
        var store = Service<IConnectorStateStore>();
        const string key = "e2e:etag";

        Assert.True(await store.TrySaveAsync(key, "v1", etag: null, TestToken));
        Assert.False(await store.TrySaveAsync(key, "v1-again", etag: null, TestToken));
        var (value, etag) = await store.GetAsync<string>(key, TestToken);
        Assert.Equal("v1", value);

        Assert.True(await store.TrySaveAsync(key, "v2", etag, TestToken));
        Assert.False(await store.TrySaveAsync(key, "v3", etag, TestToken));

        Assert.Equal("v2", (await store.GetAsync<string>(key, TestToken)).Value);
        // The taken key is read, not written again: only the stale ETag write reaches the store.
        Assert.Equal([$"{DaprNames.Components.StateStore}/{key}"], Apps.Sidecar.RefusedStateWrites);
    }

    [Fact]
    public async Task Bulk_reads_leave_missing_keys_out()
    {
        var store = Service<IConnectorStateStore>();
        await store.SaveAsync("e2e:a", 1, TestToken);
        await store.SaveAsync("e2e:b", 2, TestToken);

        var values = await store.GetManyAsync<int>(["e2e:a", "e2e:missing", "e2e:b"], TestToken);

        Assert.Equal(new Dictionary<string, int> { ["e2e:a"] = 1, ["e2e:b"] = 2 }, values);
    }

    [Fact]
    public async Task What_the_stand_in_does_not_implement_is_refused_as_Unimplemented_and_recorded()
    {
        var dapr = Service<DaprClient>();
        var workflows = Service<IDaprWorkflowClient>();

        var state = await Assert.ThrowsAsync<DaprException>(() => dapr.DeleteBulkStateAsync(
            DaprNames.Components.StateStore, [new BulkDeleteStateItem("k", etag: "1")], TestToken));
        var listing = await Assert.ThrowsAsync<RpcException>(() => workflows.ListInstanceIdsAsync(cancellation: TestToken));

        Assert.Equal(StatusCode.Unimplemented, Assert.IsType<RpcException>(state.InnerException).StatusCode);
        Assert.Equal(StatusCode.Unimplemented, listing.StatusCode);
        Assert.Contains("gRPC /dapr.proto.runtime.v1.Dapr/DeleteBulkState", Apps.Sidecar.UnimplementedCalls);
        Assert.Contains(Apps.Sidecar.UnimplementedCalls, c => c.Contains("ListInstanceIDs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_components_fail_like_daprd_instead_of_silently_working()
    {
        var dapr = Service<DaprClient>();

        var ex = await Assert.ThrowsAsync<DaprException>(() => dapr.SaveStateAsync("no-such-store", "k", 1, cancellationToken: TestToken));

        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(ex.InnerException).StatusCode);
    }

    [Fact]
    public async Task Secrets_come_from_the_configured_store()
    {
        Apps.Sidecar.SetSecret(DaprNames.Components.SecretStore, "tenants:contoso:zendesk:clientSecret", "s3cret");
        var dapr = Apps.WebhookReceiverServices.GetRequiredService<DaprClient>();

        var secret = await dapr.GetSecretAsync(DaprNames.Components.SecretStore, "tenants:contoso:zendesk:clientSecret", cancellationToken: TestToken);
        var missing = await Assert.ThrowsAsync<DaprException>(() =>
            dapr.GetSecretAsync(DaprNames.Components.SecretStore, "tenants:other", cancellationToken: TestToken));

        Assert.Equal("s3cret", secret["tenants:contoso:zendesk:clientSecret"]);
        Assert.IsType<RpcException>(missing.InnerException);
    }

    [Fact]
    public async Task Output_bindings_answer_through_their_handler_and_unknown_ones_fail()
    {
        Apps.Sidecar.SetOutputBinding("notify", r => new Dapr.Client.Autogen.Grpc.v1.InvokeBindingResponse { Data = r.Data });
        var dapr = Service<DaprClient>();

        var echoed = await dapr.InvokeBindingAsync<string, string>("notify", "create", "hello", cancellationToken: TestToken);
        var unknown = await Assert.ThrowsAsync<DaprException>(() => dapr.InvokeBindingAsync("nowhere", "create", "x", cancellationToken: TestToken));

        Assert.Equal("hello", echoed);
        Assert.Equal(["notify", "nowhere"], Apps.Sidecar.BindingInvocations.Select(i => i.Name));
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(unknown.InnerException).StatusCode);
    }

    [Fact]
    public async Task The_cron_route_answers_daprds_start_up_probe_and_the_sidecar_health_check_passes()
    {
        var probe = await Apps.Sidecar.ProbeBindingAsync(DaprNames.AppIds.SyncWorker, DaprNames.Components.SyncCron, TestToken);
        using var health = await Apps.SyncWorker.GetAsync(new Uri("/health", UriKind.Relative), TestToken);

        Assert.Equal(HttpStatusCode.OK, probe);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task An_event_published_by_one_app_reaches_the_other_apps_subscription_as_a_CloudEvent()
    {
        var signal = new AcumaticaChangeSignal("fabrikam", ConnectorSlot);
        var receiverDapr = Apps.WebhookReceiverServices.GetRequiredService<DaprClient>();

        await receiverDapr.PublishEventAsync(DaprNames.Components.PubSub, DaprNames.Topics.AcumaticaChangeSignals, signal, TestToken);
        var delivery = await WaitForDeliveryAsync(DaprNames.Topics.AcumaticaChangeSignals);

        Assert.True(delivery.Delivered);
        Assert.Equal((DaprNames.AppIds.SyncWorker, 1), (delivery.AppId, delivery.Attempts));
        var envelope = JsonNode.Parse(Assert.Single(Apps.Sidecar.PubSub.Published).CloudEventJson)!;
        Assert.Equal("1.0", (string?)envelope["specversion"]);
        Assert.Equal("fabrikam", (string?)envelope["data"]!["tenantId"]);
    }

    [Fact]
    public async Task A_poison_event_is_dropped_at_its_first_delivery_and_kept_in_the_dead_letter_topic()
    {
        var dapr = Service<DaprClient>();

        // Not JSON, JSON of the wrong shape, a signal without a tenant: none can ever succeed, so the app answers
        // {"status":"DROP"} at once (a 400/415 would be retried) and daprd hands it to the dead-letter topic.
        await dapr.PublishByteEventAsync(DaprNames.Components.PubSub, DaprNames.Topics.AcumaticaChangeSignals, "not json"u8.ToArray(), "text/plain",
            cancellationToken: TestToken);
        var notJson = await WaitForDeliveryAsync(DaprNames.Topics.AcumaticaChangeSignals);
        await dapr.PublishByteEventAsync(
            DaprNames.Components.PubSub,
            DaprNames.Topics.ZendeskTicketEvents,
            """{"tenantId":"contoso","ticketId":"abc"}"""u8.ToArray(),
            cancellationToken: TestToken);
        var wrongShape = await WaitForDeliveryAsync(DaprNames.Topics.ZendeskTicketEvents);
        await dapr.PublishEventAsync(DaprNames.Components.PubSub, DaprNames.Topics.AcumaticaChangeSignals, new { receivedAt = ConnectorSlot }, TestToken);
        var noTenant = await WaitForDeliveryAsync(DaprNames.Topics.AcumaticaChangeSignals);

        Assert.All(
            [notJson, wrongShape, noTenant],
            d => Assert.Equal((DeliveryOutcome.DeadLettered, 1, HttpStatusCode.OK), (d.Outcome, d.Attempts, d.LastStatus)));
        var deadLetters = Apps.Sidecar.PubSub.Published.Where(p => p.Topic == DaprNames.Topics.DeadLetters)
            .Select(p => (string?)JsonNode.Parse(p.CloudEventJson)!["id"]).ToList();
        Assert.Equal([notJson.MessageId, wrongShape.MessageId, noTenant.MessageId], deadLetters);
    }

    [Fact]
    public async Task Every_subscription_of_the_worker_names_the_dead_letter_topic()
    {
        var subscriptions = JsonNode.Parse(await Apps.SyncWorker.GetStringAsync(new Uri("/dapr/subscribe", UriKind.Relative), TestToken))!.AsArray();

        Assert.Equal(
            [DaprNames.Topics.AcumaticaChangeSignals, DaprNames.Topics.ZendeskTicketEvents],
            subscriptions.Select(s => (string)s!["topic"]!).Order(StringComparer.Ordinal));
        Assert.All(subscriptions, s => Assert.Equal(DaprNames.Topics.DeadLetters, (string?)s!["deadLetterTopic"]));
    }

    private static readonly DateTimeOffset ConnectorSlot = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    private async Task<DeliveryRecord> WaitForDeliveryAsync(string topic)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestToken);
        deadline.CancelAfter(RunDeadline);
        await Apps.Sidecar.PubSub.WhenIdleAsync().WaitAsync(deadline.Token);
        var last = Apps.Sidecar.PubSub.Deliveries.Last();
        Assert.Equal(topic, last.Topic);
        return last;
    }
}
