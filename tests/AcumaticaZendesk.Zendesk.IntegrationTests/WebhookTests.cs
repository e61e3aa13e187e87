using System.Globalization;
using System.Text;
using System.Text.Json;
using AcumaticaZendesk.Zendesk.Webhooks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>Signed vectors from <c>tests/specs/zendesk-sample-payloads.json</c> (see tests/specs/README.md for their source).</summary>
public sealed class WebhookTests
{
    private static readonly JsonElement Payloads = LoadPayloads();
    private static readonly string Secret = Payloads.GetProperty("webhook_signing").GetProperty("test_secret_used_below").GetString()!;

    public static TheoryData<string> SampleNames() =>
        [.. Payloads.GetProperty("webhook_samples").EnumerateArray().Select(s => s.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Valid_vectors_verify_and_sign_to_the_same_signature(string name)
    {
        var (timestamp, signature, body) = Sample(name);
        var verifier = VerifierAt(timestamp);

        var verdict = verifier.Verify(Secret, signature, timestamp, body);

        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(signature, ZendeskWebhookVerifier.Sign(Secret, timestamp, body));
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Wrong_secret_is_rejected(string name)
    {
        var (timestamp, signature, body) = Sample(name);

        var verdict = VerifierAt(timestamp).Verify(Secret + "x", signature, timestamp, body);

        Assert.Equal(ZendeskWebhookFailure.SignatureMismatch, verdict.Failure);
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Body_changed_by_one_byte_is_rejected(string name)
    {
        var (timestamp, signature, body) = Sample(name);
        var tampered = body.ToArray();
        tampered[tampered.Length / 2] ^= 0x01;

        var verdict = VerifierAt(timestamp).Verify(Secret, signature, timestamp, tampered);

        Assert.Equal(ZendeskWebhookFailure.SignatureMismatch, verdict.Failure);
    }

    [Fact]
    public void Missing_headers_are_rejected()
    {
        var (timestamp, signature, body) = Sample("organization.created");
        var verifier = VerifierAt(timestamp);

        Assert.Equal(ZendeskWebhookFailure.MissingSignature, verifier.Verify(Secret, null, timestamp, body).Failure);
        Assert.Equal(ZendeskWebhookFailure.MissingSignature, verifier.Verify(Secret, " ", timestamp, body).Failure);
        Assert.Equal(ZendeskWebhookFailure.MissingTimestamp, verifier.Verify(Secret, signature, null, body).Failure);
        Assert.Equal(ZendeskWebhookFailure.MissingSecret, verifier.Verify("", signature, timestamp, body).Failure);
        Assert.Equal(ZendeskWebhookFailure.MalformedTimestamp, verifier.Verify(Secret, signature, "yesterday", body).Failure);
        Assert.Equal(ZendeskWebhookFailure.MalformedSignature, verifier.Verify(Secret, "not base64!", timestamp, body).Failure);
    }

    [Fact]
    public void Stale_and_future_timestamps_outside_the_window_are_rejected_even_when_correctly_signed()
    {
        var (timestamp, signature, body) = Sample("organization.created");
        var signedAt = DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture);

        Assert.True(VerifierAt(timestamp, TimeSpan.FromMinutes(4)).Verify(Secret, signature, timestamp, body).IsValid);
        Assert.Equal(ZendeskWebhookFailure.StaleTimestamp, VerifierAt(timestamp, TimeSpan.FromMinutes(6)).Verify(Secret, signature, timestamp, body).Failure);
        Assert.Equal(ZendeskWebhookFailure.StaleTimestamp, VerifierAt(timestamp, TimeSpan.FromMinutes(-6)).Verify(Secret, signature, timestamp, body).Failure);
        var strict = new ZendeskWebhookVerifier(
            new FakeTimeProvider(signedAt.AddSeconds(31)),
            Options.Create(new ZendeskWebhookOptions { TimestampTolerance = TimeSpan.FromSeconds(30) }));
        Assert.Equal(ZendeskWebhookFailure.StaleTimestamp, strict.Verify(Secret, signature, timestamp, body).Failure);
    }

    [Fact]
    public void Body_then_timestamp_order_from_the_old_docs_is_rejected()
    {
        var vector = Payloads.GetProperty("webhook_signing").GetProperty("doc_discrepancy_vector");
        var secret = vector.GetProperty("secret").GetString()!;
        var body = Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!);
        var timestamp = vector.GetProperty("timestamp").GetString()!;
        var verifier = VerifierAt(timestamp);

        var bodyThenTimestamp = verifier.Verify(secret, vector.GetProperty("signature_in_doc").GetString(), timestamp, body);
        var timestampThenBody = verifier.Verify(secret, vector.GetProperty("signature_timestamp_plus_body").GetString(), timestamp, body);

        Assert.Equal(ZendeskWebhookFailure.SignatureMismatch, bodyThenTimestamp.Failure);
        Assert.True(timestampThenBody.IsValid, timestampThenBody.Reason);
    }

    [Fact]
    public void Sign_and_verify_round_trip_for_a_bodiless_request()
    {
        var timestamp = ZendeskWebhookVerifier.FormatTimestamp(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var signature = ZendeskWebhookVerifier.Sign("s3cret", timestamp, []);

        Assert.Equal("2026-11-25T12:00:00Z", timestamp);
        Assert.True(VerifierAt(timestamp).Verify("s3cret", signature, timestamp, []).IsValid);
    }

    [Fact]
    public void Envelopes_parse_with_string_ids_in_detail()
    {
        var organization = ZendeskWebhookEvent.Parse(Sample("organization.created").Body);
        var user = ZendeskWebhookEvent.Parse(Sample("user.active_changed").Body);
        var ticket = ZendeskWebhookEvent.Parse(Sample("ticket.created (abridged)").Body);

        Assert.Equal("zen:event-type:organization.created", organization.Type);
        Assert.Equal(("organization", "created"), (organization.Domain, organization.Name));
        Assert.Equal(10973248, organization.AccountId);
        Assert.Equal("a540ab78-88f2-49e1-93a7-16152a6f782c", organization.Id);
        Assert.Equal(new DateTimeOffset(2099, 7, 7, 3, 44, 13, TimeSpan.Zero), organization.Time);
        Assert.Equal(6607619104125, organization.DetailInt64("id"));
        Assert.Equal("Acme", organization.DetailString("name"));
        Assert.Null(organization.DetailString("external_id"));
        Assert.Equal(("user", "active_changed"), (user.Domain, user.Name));
        Assert.False(user.Event.GetProperty("current").GetBoolean());
        Assert.Equal(0, user.DetailInt64("organization_id"));
        Assert.Equal("ticket", ticket.Domain);
        Assert.Equal(35436, ticket.DetailInt64("id"));
        Assert.Equal(1, ticket.Event.GetProperty("meta").GetProperty("sequence").GetProperty("total").GetInt32());
    }

    [Fact]
    public void Bodies_that_are_not_event_envelopes_are_refused_with_a_format_error()
    {
        Assert.Throws<FormatException>(() => ZendeskWebhookEvent.Parse("not json"u8));
        var ex = Assert.Throws<FormatException>(
            () => ZendeskWebhookEvent.Parse("""{"type":"zen:event-type:user.created","id":"x","time":"2024-01-01T00:00:00Z","detail":{}}"""u8));
        Assert.Contains("account_id", ex.Message, StringComparison.Ordinal);
    }

    private static ZendeskWebhookVerifier VerifierAt(string timestamp, TimeSpan? offset = null) =>
        new(new FakeTimeProvider(DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture) + (offset ?? TimeSpan.FromSeconds(2))),
            Options.Create(new ZendeskWebhookOptions()));

    private static (string Timestamp, string Signature, byte[] Body) Sample(string name)
    {
        var sample = Payloads.GetProperty("webhook_samples").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        var headers = sample.GetProperty("headers");
        return (headers.GetProperty(ZendeskWebhookVerifier.TimestampHeader).GetString()!,
            headers.GetProperty(ZendeskWebhookVerifier.SignatureHeader).GetString()!,
            Encoding.UTF8.GetBytes(sample.GetProperty("raw_body").GetString()!));
    }

    private static JsonElement LoadPayloads()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "specs", "zendesk-sample-payloads.json")));
        return doc.RootElement.Clone();
    }
}
