using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;
using AcumaticaZendesk.Acumatica.Reading;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AcumaticaZendesk.Acumatica.IntegrationTests;

public sealed class ResilienceTests : IDisposable
{
    private readonly FakeAcumatica _acu = new();

    public ResilienceTests() => _ = new TokenEndpoint(_acu);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_5xx_on_a_read_is_retried_then_succeeds()
    {
        using var host = new TestHost();
        StubCustomersSequence((500, null), (200, null));

        var page = await Client(host).ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct);

        Assert.Empty(page.Items);
        Assert.Equal(2, _acu.Requests("GET", "/Customer").Count);
    }

    [Fact]
    public async Task A_persistent_5xx_becomes_a_transient_error_after_the_retry_budget()
    {
        using var host = new TestHost(configure: o => o.MaxRetryAttempts = 2);
        _acu.StubJson("GET", $"{FakeAcumatica.EndpointPath}/Customer", 503, """{"message":"Service Unavailable"}""");

        var ex = await Assert.ThrowsAsync<AcumaticaTransientException>(() => Client(host).ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct));

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.False(ex.RequestMayHaveBeenApplied);
        Assert.True(ex.IsRetryable);
        Assert.Equal(3, _acu.Requests("GET", "/Customer").Count);
    }

    [Fact]
    public async Task Retry_after_is_honoured_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        using var host = new TestHost(clock, o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
            o.AttemptTimeout = TimeSpan.FromHours(1);
            o.TotalRequestTimeout = TimeSpan.FromHours(2);
        });
        StubCustomersSequence((429, "30"), (200, null));

        var read = Client(host).ReadPageAsync(AcumaticaEntitySets.Customers, null, 0, 10, Ct);
        var advancedSeconds = 0;
        while (!read.IsCompleted && _acu.Requests("GET", "/Customer").Count < 2)
        {
            if (_acu.Requests("GET", "/Customer").Count == 1)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                advancedSeconds++;
            }

            await Task.Delay(5, Ct);
        }

        await read;
        Assert.Equal(2, _acu.Requests("GET", "/Customer").Count);
        Assert.InRange(advancedSeconds, 30, 90); // waited for Retry-After (30 s), not for the 1 ms back-off
    }

    [Fact]
    public async Task Timeouts_and_refused_connections_are_transient()
    {
        using var host = new TestHost(configure: o => o.MaxRetryAttempts = 0);
        var client = Client(host);
        _acu.Dispose(); // nothing listens any more

        var ex = await Assert.ThrowsAsync<AcumaticaTransientException>(() => client.EnsureEndpointAvailableAsync(Ct));

        Assert.Null(ex.StatusCode);
    }

    [Fact]
    public void Invalid_options_fail_with_a_clear_message()
    {
        using var host = new TestHost(configure: o => o.AttemptTimeout = TimeSpan.FromHours(1));

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.Factory);

        Assert.Contains("Acumatica:Client:AttemptTimeout must not exceed Acumatica:Client:TotalRequestTimeout", ex.Message, StringComparison.Ordinal);
    }

    private IAcumaticaClient Client(TestHost host) =>
        host.PasswordClient(_acu);

    private void StubCustomersSequence(params (int Status, string? RetryAfter)[] steps)
    {
        for (var i = 0; i < steps.Length; i++)
        {
            var response = Response.Create()
                .WithStatusCode(steps[i].Status)
                .WithHeader("Content-Type", "application/json")
                .WithBody(steps[i].Status == 200 ? "[]" : """{"message":"busy"}""");
            if (steps[i].RetryAfter is { } ra)
                response = response.WithHeader("Retry-After", ra);
            var request = _acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.EndpointPath}/Customer").UsingGet()).InScenario("sequence");
            request = i == 0 ? request : request.WhenStateIs($"step{i}");
            (i < steps.Length - 1 ? request.WillSetStateTo($"step{i + 1}") : request).RespondWith(response);
        }
    }

    public void Dispose() => _acu.Dispose();
}
