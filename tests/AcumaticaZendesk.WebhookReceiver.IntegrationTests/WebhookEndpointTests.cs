using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AcumaticaZendesk.Contracts;
using AcumaticaZendesk.StandIn;
using AcumaticaZendesk.WebhookReceiver.Webhooks;
using AcumaticaZendesk.Zendesk.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.WebhookReceiver.IntegrationTests;

/// <summary>
/// The real receiver (its unchanged Program on Kestrel) against the stand-in sidecar: secrets from the secret store,
/// de-duplication through the state API with an insert-only ETag, events through the pub/sub API.
/// </summary>
public sealed class WebhookEndpointTests : IAsyncLifetime
{
    private const string Tenant = "acme";
    private const string SigningSecret = "acme-signing-secret";
    private const string PushSecret = "acme-push-secret";
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(Now);
    private StandInSidecar sidecar = null!;
    private RunningApp receiver = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        sidecar = await StandInSidecar.StartAsync(cancellationToken: Token);
        sidecar.SetSecret(DaprNames.Components.SecretStore, "tenants--acme--zendesk--webhook-signing-secret", SigningSecret);
        sidecar.SetSecret(DaprNames.Components.SecretStore, "tenants--acme--acumatica--push-secret", PushSecret);
        receiver = RunningApp.StartWebhookReceiver(
            new Dictionary<string, string?>(sidecar.AppConfiguration) { ["WebhookReceiver:MaxBodyBytes"] = "4096" },
            services => services.AddSingleton<TimeProvider>(time));
    }

    public async ValueTask DisposeAsync()
    {
        await receiver.DisposeAsync();
        await sidecar.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_signed_ticket_event_is_published_once_with_tenant_event_ticket_and_updated_at()
    {
        var response = await PostZendeskAsync(Tenant, TicketEnvelope("01HEVT0001", 35436, "2026-03-02T09:29:10Z"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var published = Assert.Single(sidecar.PubSub.Published);
        Assert.Equal(DaprNames.Components.PubSub, published.PubSubName);
        Assert.Equal(DaprNames.Topics.ZendeskTicketEvents, published.Topic);
        var evt = Data<ZendeskTicketEvent>(published);
        Assert.Equal(new ZendeskTicketEvent(Tenant, "01HEVT0001", "zen:event-type:ticket.status_changed", 35436,
            new DateTimeOffset(2026, 3, 2, 9, 29, 10, TimeSpan.Zero), Now), evt);
        Assert.NotNull(sidecar.StateStore(DaprNames.Components.StateStore).Get(SeenEventStore.Key(Tenant, "01HEVT0001")));
    }

    [Fact]
    public async Task A_replayed_delivery_is_answered_ok_but_published_at_most_once_per_event_id()
    {
        var body = TicketEnvelope("01HEVT0002", 7, "2026-03-02T09:29:10Z");
        var first = await PostZendeskAsync(Tenant, body);
        time.Advance(TimeSpan.FromMinutes(1));
        var replay = await PostZendeskAsync(Tenant, body);          // re-signed with a fresh timestamp, as Zendesk retries
        var other = await PostZendeskAsync(Tenant, TicketEnvelope("01HEVT0003", 7, "2026-03-02T09:29:10Z"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("duplicate", await replay.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(["01HEVT0002", "01HEVT0003"], sidecar.PubSub.Published.Select(p => Data<ZendeskTicketEvent>(p).EventId));
    }

    [Fact]
    public async Task An_unknown_tenant_gets_the_same_401_as_a_wrong_signature_and_nothing_is_published()
    {
        var unknown = await PostZendeskAsync("globex", TicketEnvelope("01HEVT0004", 1, null));
        var invalidId = await PostZendeskAsync("Not_A_Tenant", TicketEnvelope("01HEVT0005", 1, null));
        var wrong = await PostZendeskAsync(Tenant, TicketEnvelope("01HEVT0005", 1, null), secret: "not-the-secret");

        foreach (var response in new[] { unknown, invalidId, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync(Token));
        }

        AssertNothingPublished();
    }

    [Fact]
    public async Task During_a_rotation_the_previous_signing_and_push_secrets_are_accepted_too()
    {
        sidecar.SetSecret(DaprNames.Components.SecretStore, "tenants--acme--zendesk--webhook-signing-secret-previous", "acme-old-signing-secret");
        sidecar.SetSecret(DaprNames.Components.SecretStore, "tenants--acme--acumatica--push-secret-previous", "acme-old-push-secret");
        await using var fresh = RunningApp.StartWebhookReceiver(
            new Dictionary<string, string?>(sidecar.AppConfiguration), services => services.AddSingleton<TimeProvider>(time));

        using var oldSigned = await SendAsync(fresh.Client, "/webhooks/zendesk/acme", TicketEnvelope("01HEVT0101", 3, null), "acme-old-signing-secret");
        using var newSigned = await SendAsync(fresh.Client, "/webhooks/zendesk/acme", TicketEnvelope("01HEVT0102", 3, null), SigningSecret);
        using var neither = await SendAsync(fresh.Client, "/webhooks/zendesk/acme", TicketEnvelope("01HEVT0103", 3, null), "acme-older-secret");
        using var oldPush = await PushAsync(fresh.Client, "acme-old-push-secret");
        using var newPush = await PushAsync(fresh.Client, PushSecret);

        Assert.Equal(HttpStatusCode.OK, oldSigned.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newSigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, neither.StatusCode);
        Assert.Equal(HttpStatusCode.OK, oldPush.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newPush.StatusCode);
    }

    /// <summary>
    /// Azure Container Apps gives the receiver a secret store of its own (its own vault and identity) under another
    /// component name, set in <c>Connectors:Secrets:StoreName</c>: the receiver reads that store and no other.
    /// </summary>
    [Fact]
    public async Task The_receiver_reads_its_secrets_from_the_store_its_configuration_names()
    {
        const string OwnStore = "webhook-secrets";
        await using var own = await StandInSidecar.StartAsync(new StandInSidecarOptions { SecretStores = [OwnStore] }, Token);
        own.SetSecret(OwnStore, "tenants--acme--zendesk--webhook-signing-secret", SigningSecret);
        own.SetSecret(OwnStore, "tenants--acme--acumatica--push-secret", PushSecret);
        await using var app = RunningApp.StartWebhookReceiver(
            new Dictionary<string, string?>(own.AppConfiguration) { ["Connectors:Secrets:StoreName"] = OwnStore },
            services => services.AddSingleton<TimeProvider>(time));

        using var signed = await SendAsync(app.Client, "/webhooks/zendesk/acme", TicketEnvelope("01HEVT0401", 3, null), SigningSecret);
        using var push = await PushAsync(app.Client, PushSecret);

        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        Assert.Equal(2, own.PubSub.Published.Count);
    }

    /// <summary>
    /// A receiver configured with a secret store the sidecar does not have fails loudly (503, an error in the log)
    /// instead of answering every signed webhook with the 401 of an unknown tenant.
    /// </summary>
    [Fact]
    public async Task A_secret_store_name_the_sidecar_does_not_have_is_a_503_not_an_unknown_tenant()
    {
        await using var app = RunningApp.StartWebhookReceiver(
            new Dictionary<string, string?>(sidecar.AppConfiguration) { ["Connectors:Secrets:StoreName"] = "no-such-store" },
            services => services.AddSingleton<TimeProvider>(time));

        using var signed = await SendAsync(app.Client, "/webhooks/zendesk/acme", TicketEnvelope("01HEVT0402", 3, null), SigningSecret);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, signed.StatusCode);
        Assert.Empty(sidecar.PubSub.Published);
    }

    [Fact]
    public async Task Requests_over_the_per_tenant_rate_are_refused_with_429_and_other_tenants_are_not_affected()
    {
        await using var limited = RunningApp.StartWebhookReceiver(
            new Dictionary<string, string?>(sidecar.AppConfiguration) { ["WebhookReceiver:PerTenantPerMinute"] = "3" },
            services => services.AddSingleton<TimeProvider>(time));
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await SendAsync(limited.Client, "/webhooks/zendesk/acme", TicketEnvelope($"01HEVT02{i}", 3, null), SigningSecret);
            codes.Add(response.StatusCode);
        }

        using var other = await SendAsync(limited.Client, "/webhooks/zendesk/globex", TicketEnvelope("01HEVT0299", 3, null), SigningSecret);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], codes);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await limited.Client.GetAsync("/alive", Token)).StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string body, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(ZendeskWebhookVerifier.TimestampHeader, ZendeskWebhookVerifier.FormatTimestamp(Now));
        request.Headers.Add(ZendeskWebhookVerifier.SignatureHeader, Sign(secret, Now, body));
        return await client.SendAsync(request, Token);
    }

    private static async Task<HttpResponseMessage> PushAsync(HttpClient client, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/acumatica/acme")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json")
        };
        request.Headers.Add("X-Acumatica-Push-Secret", secret);
        return await client.SendAsync(request, Token);
    }

    [Fact]
    public async Task A_bad_or_missing_signature_is_unauthorized_and_nothing_is_published()
    {
        var body = TicketEnvelope("01HEVT0006", 1, null);
        var wrongSecret = await PostZendeskAsync(Tenant, body, secret: "not-the-secret");
        var tampered = await SendZendeskAsync(Tenant, body + " ", Sign(SigningSecret, Now, body));
        var missing = await SendZendeskAsync(Tenant, body, signature: null);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        AssertNothingPublished();
    }

    [Fact]
    public async Task A_stale_timestamp_is_unauthorized_even_with_a_correct_signature()
    {
        var body = TicketEnvelope("01HEVT0007", 1, null);
        var stale = await PostZendeskAsync(Tenant, body, signedAt: Now - TimeSpan.FromMinutes(6));
        var future = await PostZendeskAsync(Tenant, body, signedAt: Now + TimeSpan.FromMinutes(6));

        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, future.StatusCode);
        AssertNothingPublished();
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413_and_nothing_is_published()
    {
        var body = TicketEnvelope("01HEVT0008", 1, null, padding: new string('x', 5000));

        var response = await PostZendeskAsync(Tenant, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        AssertNothingPublished();
    }

    [Fact]
    public async Task A_malformed_signed_body_is_a_bad_request_and_nothing_is_published()
    {
        var notJson = await PostZendeskAsync(Tenant, "{\"type\": \"zen:event-type:ticket.created\", ");
        var noTicketId = await PostZendeskAsync(
            Tenant,
            TicketEnvelope("01HEVT0009", 1, null).Replace("\"id\":\"1\"", "\"id\":\"abc\"", StringComparison.Ordinal));
        var hugeEventId = await PostZendeskAsync(Tenant, TicketEnvelope(new string('e', 101), 1, null));

        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noTicketId.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, hugeEventId.StatusCode);
        AssertNothingPublished();
    }

    [Fact]
    public async Task A_verified_non_ticket_event_is_acknowledged_and_not_published()
    {
        var body = TicketEnvelope("01HEVT0010", 1, null).Replace("ticket.status_changed", "organization.created", StringComparison.Ordinal);

        var response = await PostZendeskAsync(Tenant, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertNothingPublished();
    }

    [Fact]
    public async Task An_acumatica_push_with_the_right_secret_publishes_a_change_signal_and_nothing_from_its_body()
    {
        var response = await PostAcumaticaAsync(Tenant, PushSecret, "{\"Inserted\":[{\"CustomerID\":\"FORGED\"}]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var published = Assert.Single(sidecar.PubSub.Published);
        Assert.Equal(DaprNames.Topics.AcumaticaChangeSignals, published.Topic);
        Assert.Equal(new AcumaticaChangeSignal(Tenant, Now), Data<AcumaticaChangeSignal>(published));
        Assert.DoesNotContain("FORGED", published.CloudEventJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_acumatica_push_with_a_wrong_or_missing_secret_unknown_tenant_or_oversized_body_is_refused()
    {
        var wrong = await PostAcumaticaAsync(Tenant, PushSecret + "x", "{}");
        var missing = await PostAcumaticaAsync(Tenant, null, "{}");
        var unknown = await PostAcumaticaAsync("globex", PushSecret, "{}");
        var oversized = await PostAcumaticaAsync(Tenant, PushSecret, "{\"x\":\"" + new string('x', 5000) + "\"}");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        AssertNothingPublished();
    }

    private void AssertNothingPublished() => Assert.Empty(sidecar.PubSub.Published);

    private static T Data<T>(PublishedMessage message)
    {
        using var doc = JsonDocument.Parse(message.CloudEventJson);
        return doc.RootElement.GetProperty("data").Deserialize<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static string TicketEnvelope(string eventId, long ticketId, string? updatedAt, string? padding = null) =>
        "{\"type\":\"zen:event-type:ticket.status_changed\",\"account_id\":22129848,\"id\":\"" + eventId + "\"," +
        "\"time\":\"2026-03-02T09:29:11Z\",\"zendesk_event_version\":\"2022-11-06\",\"subject\":\"zen:ticket:"
            + ticketId.ToString(CultureInfo.InvariantCulture)
            + "\","
            +
        "\"detail\":{\"id\":\"" + ticketId.ToString(CultureInfo.InvariantCulture) + "\",\"status\":\"SOLVED\"" +
        (updatedAt is null ? "" : ",\"updated_at\":\"" + updatedAt + "\"") + (padding is null ? "" : ",\"description\":\"" + padding + "\"") + "}," +
        "\"event\":{\"current\":\"SOLVED\",\"previous\":\"OPEN\"}}";

    private static string Sign(string secret, DateTimeOffset at, string body) =>
        ZendeskWebhookVerifier.Sign(secret, ZendeskWebhookVerifier.FormatTimestamp(at), Encoding.UTF8.GetBytes(body));

    private Task<HttpResponseMessage> PostZendeskAsync(string tenant, string body, string secret = SigningSecret, DateTimeOffset? signedAt = null) =>
        SendZendeskAsync(tenant, body, Sign(secret, signedAt ?? Now, body), signedAt ?? Now);

    private async Task<HttpResponseMessage> SendZendeskAsync(string tenant, string body, string? signature, DateTimeOffset? signedAt = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/zendesk/{tenant}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(ZendeskWebhookVerifier.TimestampHeader, ZendeskWebhookVerifier.FormatTimestamp(signedAt ?? Now));
        if (signature is not null)
        {
            request.Headers.Add(ZendeskWebhookVerifier.SignatureHeader, signature);
        }

        return await receiver.Client.SendAsync(request, Token);
    }

    private async Task<HttpResponseMessage> PostAcumaticaAsync(string tenant, string? secret, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/acumatica/{tenant}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.Add("X-Acumatica-Push-Secret", secret);
        }

        return await receiver.Client.SendAsync(request, Token);
    }
}
