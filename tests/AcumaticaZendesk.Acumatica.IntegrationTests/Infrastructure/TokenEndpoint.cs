using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Web;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;

/// <summary>
/// A stateful /identity/connect/token: password and authorization_code grants issue generation 1; each
/// refresh token can be used once and yields the next generation (rotation).
/// </summary>
internal sealed class TokenEndpoint
{
    private readonly ConcurrentDictionary<string, int> _liveRefreshTokens = new();
    private int _generation;

    public TokenEndpoint(FakeAcumatica acu, string? validCode = null, string? validRefreshToken = null)
    {
        if (validRefreshToken is not null)
            _liveRefreshTokens[validRefreshToken] = 0;
        acu.Server.Given(Request.Create().WithPath($"{FakeAcumatica.InstancePath}/identity/connect/token").UsingPost())
            .RespondWith(Response.Create().WithCallback(req =>
            {
                var form = HttpUtility.ParseQueryString(req.Body ?? string.Empty);
                Forms.Enqueue(form);
                if (form["client_id"] != FakeAcumatica.ClientId || form["client_secret"] != FakeAcumatica.ClientSecret)
                    return FakeAcumatica.Json(400, """{"error":"invalid_client"}""");
                switch (form["grant_type"])
                {
                    case "password" when form["username"] == FakeAcumatica.UserName && form["password"] == FakeAcumatica.Password:
                    case "authorization_code" when form["code"] == validCode && !string.IsNullOrEmpty(form["code_verifier"]):
                        return Issue();
                    case "refresh_token" when form["refresh_token"] is { } rt && _liveRefreshTokens.TryRemove(rt, out _):
                        return Issue();
                    default:
                        return FakeAcumatica.Json(400, """{"error":"invalid_grant"}""");
                }
            }));
    }

    public ConcurrentQueue<NameValueCollection> Forms { get; } = new();

    public static string Access(int generation) => $"access-token-gen{generation}-secret";

    public static string Refresh(int generation) => $"refresh-token-gen{generation}-secret";

    private WireMock.IResponseMessage Issue()
    {
        var g = Interlocked.Increment(ref _generation);
        _liveRefreshTokens[Refresh(g)] = g;
        return FakeAcumatica.Json(
            200,
            $$"""{"access_token":"{{Access(g)}}","expires_in":3600,"token_type":"Bearer","refresh_token":"{{Refresh(g)}}","scope":"api offline_access"}""");
    }
}
