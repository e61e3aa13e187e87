using System.Net;

namespace AcumaticaZendesk.EndToEndTests.Containers;

/// <summary>
/// When the container suite takes a daprd as started: its outbound health endpoint answers 204 No Content once the
/// sidecar and its components are up (dapr <c>pkg/api/http/healthz.go</c> <c>onGetOutboundHealthz</c>,
/// <c>respondWithEmpty</c>), and 500 <c>ERR_OUTBOUND_HEALTH_NOT_READY</c> before. Testcontainers' HTTP wait expects
/// 200 unless told otherwise, which daprd never answers there.
/// </summary>
internal static class DaprdReadiness
{
    public const string Path = "/v1.0/healthz/outbound";

    public static bool IsReady(HttpStatusCode status) => status == HttpStatusCode.NoContent;
}
