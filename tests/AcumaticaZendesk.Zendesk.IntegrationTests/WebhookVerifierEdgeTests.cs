using System.Security.Cryptography;
using AcumaticaZendesk.Zendesk.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AcumaticaZendesk.Zendesk.IntegrationTests;

/// <summary>
/// The verifier's edges: the exact tolerance boundary, a signature that cannot be a digest against one that does not
/// match, the reasons the receiver logs, its options, and the envelope fields kept for consumers.
/// </summary>
public sealed class WebhookVerifierEdgeTests
{
    private const string Secret = "dGhpcyBpcyBhIHRlc3Qgc2VjcmV0";
    private static readonly DateTimeOffset SignedAt = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly string Timestamp = ZendeskWebhookVerifier.FormatTimestamp(SignedAt);
    private static readonly byte[] Body =
        """{"type":"zen:event-type:organization.created","account_id":1,"id":"e1","time":"2026-11-25T12:00:00Z","detail":{}}"""u8.ToArray();

    private static ZendeskWebhookVerifier VerifierAt(DateTimeOffset now, TimeSpan? tolerance = null) =>
        new(new FakeTimeProvider(now), Options.Create(new ZendeskWebhookOptions { TimestampTolerance = tolerance ?? TimeSpan.FromMinutes(5) }));

    private static ZendeskWebhookVerification VerifyAt(TimeSpan fromSigning) =>
        VerifierAt(SignedAt + fromSigning).Verify(Secret, ZendeskWebhookVerifier.Sign(Secret, Timestamp, Body), Timestamp, Body);

    [Theory]
    [InlineData(300, true)]
    [InlineData(-300, true)]
    [InlineData(301, false)]
    [InlineData(-301, false)]
    public void A_timestamp_exactly_at_the_tolerance_is_accepted_and_one_second_beyond_is_refused(int seconds, bool valid)
    {
        var verdict = VerifyAt(TimeSpan.FromSeconds(seconds));

        Assert.Equal(valid ? ZendeskWebhookFailure.None : ZendeskWebhookFailure.StaleTimestamp, verdict.Failure);
        Assert.Equal(valid, verdict.IsValid);
        Assert.Equal(valid ? "valid" : "the signature timestamp is 301 s away from now (tolerance 300 s)", verdict.Reason);
    }

    [Fact]
    public void A_signature_timestamp_without_an_offset_is_utc_whatever_the_server_s_zone()
    {
        Assert.SkipWhen(ServerTimeZone.IsUtc, $"the test process could not switch to {ServerTimeZone.Name} (no time-zone database)");
        const string noOffset = "2026-11-25T12:00:00";

        var verdict = VerifierAt(SignedAt).Verify(Secret, ZendeskWebhookVerifier.Sign(Secret, noOffset, Body), noOffset, Body);
        var envelope = ZendeskWebhookEvent.Parse(
            """{"type":"zen:event-type:user.created","account_id":1,"id":"e","time":"2026-11-25T12:00:00","detail":{}}"""u8);

        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(SignedAt, envelope.Time);
    }

    [Fact]
    public void A_signature_that_is_no_sha256_digest_is_malformed_and_a_wrong_digest_is_a_mismatch()
    {
        var verifier = VerifierAt(SignedAt);
        var shortDigest = Convert.ToBase64String(new byte[16]);
        var longDigest = Convert.ToBase64String(new byte[48]);
        var wrongDigest = Convert.ToBase64String(SHA256.HashData(Body));
        var padded = $"  {ZendeskWebhookVerifier.Sign(Secret, Timestamp, Body)} ";

        Assert.Equal(ZendeskWebhookFailure.MalformedSignature, verifier.Verify(Secret, shortDigest, Timestamp, Body).Failure);
        Assert.Equal(ZendeskWebhookFailure.MalformedSignature, verifier.Verify(Secret, longDigest, Timestamp, Body).Failure);
        Assert.Equal(ZendeskWebhookFailure.MalformedSignature, verifier.Verify(Secret, "%%%", Timestamp, Body).Failure);
        var mismatch = verifier.Verify(Secret, wrongDigest, Timestamp, Body);
        Assert.Equal((ZendeskWebhookFailure.SignatureMismatch, "the signature does not match the body and timestamp"), (mismatch.Failure, mismatch.Reason));
        Assert.True(verifier.Verify(Secret, padded, Timestamp, Body).IsValid);
    }

    [Fact]
    public void Each_refusal_says_why_in_words_safe_to_log()
    {
        var verifier = VerifierAt(SignedAt);
        var signature = ZendeskWebhookVerifier.Sign(Secret, Timestamp, Body);

        Assert.Equal(
            [
                "no signing secret is configured for this webhook",
                "the X-Zendesk-Webhook-Signature header is missing",
                "the X-Zendesk-Webhook-Signature-Timestamp header is missing",
                "the X-Zendesk-Webhook-Signature-Timestamp header is not an RFC 3339 time",
                "the X-Zendesk-Webhook-Signature header is not a base64 HMAC-SHA256 digest",
            ],
            [
                verifier.Verify("", signature, Timestamp, Body).Reason,
                verifier.Verify(Secret, "", Timestamp, Body).Reason,
                verifier.Verify(Secret, signature, " ", Body).Reason,
                verifier.Verify(Secret, signature, "25/11/2026 noon", Body).Reason,
                verifier.Verify(Secret, "abc", Timestamp, Body).Reason,
            ]);
        Assert.DoesNotContain(verifier.Verify(Secret + "x", signature, Timestamp, Body).Reason, Secret, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(-1.0, false)]
    [InlineData(0.001, true)]
    [InlineData(86_400.0, true)]
    [InlineData(86_401.0, false)]
    public void The_tolerance_must_be_positive_and_at_most_a_day(double seconds, bool valid)
    {
        var services = new ServiceCollection();
        services.AddZendeskClient();
        services.Configure<ZendeskWebhookOptions>(o => o.TimestampTolerance = TimeSpan.FromSeconds(seconds));
        using var provider = services.BuildServiceProvider();

        var read = () => provider.GetRequiredService<IOptions<ZendeskWebhookOptions>>().Value;

        if (valid)
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), read().TimestampTolerance);
        }
        else
        {
            var ex = Assert.Throws<OptionsValidationException>(read);
            Assert.Contains("Zendesk:Webhooks:TimestampTolerance must be positive and at most 24 hours.", Assert.Single(ex.Failures), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_envelope_keeps_its_subject_and_event_version_and_leaves_them_null_when_absent()
    {
        var full = ZendeskWebhookEvent.Parse("""
            {"type":"zen:event-type:organization.created","account_id":"10973248","id":"e1","time":"2026-11-25T12:00:00+01:00",
             "zendesk_event_version":"2022-11-06","subject":"zen:organization:6607619104125","detail":{"id":"6607619104125"},"event":{}}
            """u8);
        var bare = ZendeskWebhookEvent.Parse(
            """{"type":"zen:event-type:ticket","account_id":1,"id":"e2","time":"2026-11-25T12:00:00Z","detail":{},"subject":7}"""u8);

        Assert.Equal(("zen:organization:6607619104125", "2022-11-06"), (full.Subject, full.EventVersion));
        Assert.Equal(10973248, full.AccountId); // account_id as a string is read too
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 0, 0, TimeSpan.Zero), full.Time);
        Assert.Equal(TimeSpan.Zero, full.Time.Offset);
        Assert.Equal((null, null), (bare.Subject, bare.EventVersion));
        Assert.Equal(("ticket", ""), (bare.Domain, bare.Name));
        Assert.Equal(System.Text.Json.JsonValueKind.Undefined, bare.Event.ValueKind);
    }

    [Theory]
    [InlineData("[1,2]", "The Zendesk webhook body is not a JSON object.")]
    [InlineData("""{"type":"ticket.created","account_id":1,"id":"e","time":"2026-11-25T12:00:00Z","detail":{}}""", "The Zendesk webhook 'type' "
        + "'ticket.created' does not start with 'zen:event-type:' (trigger webhooks carry their own body).")]
    [InlineData("""{"account_id":1,"id":"e","time":"2026-11-25T12:00:00Z","detail":{}}""", "The Zendesk webhook body has no 'type' string.")]
    [InlineData("""{"type":"zen:event-type:user.created","account_id":"12a","id":"e","time":"2026-11-25T12:00:00Z","detail":{}}""", "The Zendesk webhook body "
        + "has no numeric 'account_id'.")]
    [InlineData("""{"type":"zen:event-type:user.created","account_id":true,"id":"e","time":"2026-11-25T12:00:00Z","detail":{}}""", "The Zendesk webhook body "
        + "has no numeric 'account_id'.")]
    [InlineData("""{"type":"zen:event-type:user.created","account_id":1,"id":"","time":"2026-11-25T12:00:00Z","detail":{}}""", "The Zendesk webhook body has "
        + "no 'id' string.")]
    [InlineData("""{"type":"zen:event-type:user.created","account_id":1,"id":"e","time":"yesterday","detail":{}}""", "The Zendesk webhook 'time' is not an "
        + "RFC 3339 time.")]
    [InlineData("""{"type":"zen:event-type:user.created","account_id":1,"id":"e","time":"2026-11-25T12:00:00Z"}""", "The Zendesk webhook body has no "
        + "'detail'.")]
    public void A_body_that_is_no_event_envelope_is_refused_naming_what_is_missing(string body, string message)
    {
        var ex = Assert.Throws<FormatException>(() => ZendeskWebhookEvent.Parse(System.Text.Encoding.UTF8.GetBytes(body)));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Detail_values_read_as_text_whatever_their_json_kind_and_ids_only_when_numeric()
    {
        var ev = ZendeskWebhookEvent.Parse("""
            {"type":"zen:event-type:ticket.status_changed","account_id":1,"id":"e","time":"2026-11-25T12:00:00Z",
             "detail":{"id":"35436","priority":null,"group_id":42,"via":"web"},"event":{"current":"solved"}}
            """u8);
        var detailless = ZendeskWebhookEvent.Parse(
            """{"type":"zen:event-type:ticket.created","account_id":1,"id":"e","time":"2026-11-25T12:00:00Z","detail":"n/a"}"""u8);

        Assert.Equal(("ticket", "status_changed"), (ev.Domain, ev.Name));
        Assert.Equal((35436L, 42L), (ev.DetailInt64("id")!.Value, ev.DetailInt64("group_id")!.Value));
        Assert.Equal("42", ev.DetailString("group_id"));
        Assert.Null(ev.DetailString("priority"));
        Assert.Null(ev.DetailInt64("via"));
        Assert.Null(ev.DetailInt64("missing"));
        Assert.Null(detailless.DetailString("id"));
        Assert.Equal("solved", ev.Event.GetProperty("current").GetString());
    }

    [Fact]
    public void The_timestamp_header_is_utc_to_the_second_and_signing_needs_a_secret()
    {
        Assert.Equal("2026-11-25T11:00:05Z", ZendeskWebhookVerifier.FormatTimestamp(new DateTimeOffset(2026, 11, 25, 12, 0, 5, 900, TimeSpan.FromHours(1))));
        Assert.ThrowsAny<ArgumentException>(() => ZendeskWebhookVerifier.Sign(string.Empty, "2026-11-25T11:00:05Z", []));
        Assert.Equal("timestamp", Assert.Throws<ArgumentNullException>(() => ZendeskWebhookVerifier.Sign("s3cret", null!, [])).ParamName);
    }

    [Fact]
    public void A_body_that_is_not_json_is_refused_saying_so_with_the_parser_s_reason()
    {
        var ex = Assert.Throws<FormatException>(() => ZendeskWebhookEvent.Parse("{\"type\":"u8));

        Assert.StartsWith("The Zendesk webhook body is not JSON: ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException).Message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zen:event-type:organization.created", "organization", "created")]
    [InlineData("zen:event-type:ticket.comment_added", "ticket", "comment_added")]
    [InlineData("zen:event-type:ticket", "ticket", "")]
    [InlineData("zen:event-type:.created", "", "created")]
    [InlineData("user.deleted", "user", "deleted")]
    [InlineData("", "", "")]
    public void The_domain_the_receiver_routes_on_and_the_event_name_come_from_the_type(string type, string domain, string name)
    {
        // Events built in code (tests, the sandbox) may leave out the zen:event-type: prefix that Parse requires.
        var ev = new ZendeskWebhookEvent(type, 1, "e", SignedAt, null, null, default, default);

        Assert.Equal((domain, name), (ev.Domain, ev.Name));
    }
}
