using System.Net;
using AcumaticaZendesk.EndToEndTests.Containers;
using AcumaticaZendesk.StandIn;

namespace AcumaticaZendesk.EndToEndTests;

/// <summary>
/// The container suite's readiness check accepts what daprd answers when it is ready (204 on its outbound health
/// endpoint, which the stand-in answers as daprd does) and nothing else, so the suite can start where Docker runs.
/// </summary>
public sealed class DaprdReadinessTests
{
    [Fact]
    public async Task The_readiness_check_accepts_daprds_ready_answer_and_refuses_its_not_ready_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sidecar = await StandInSidecar.StartAsync(cancellationToken: ct);
        using var http = new HttpClient { BaseAddress = sidecar.HttpEndpoint };

        using var ready = await http.GetAsync(new Uri(DaprdReadiness.Path, UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.NoContent, ready.StatusCode);
        Assert.True(DaprdReadiness.IsReady(ready.StatusCode));
        Assert.False(DaprdReadiness.IsReady(HttpStatusCode.InternalServerError));   // ERR_OUTBOUND_HEALTH_NOT_READY
    }
}
