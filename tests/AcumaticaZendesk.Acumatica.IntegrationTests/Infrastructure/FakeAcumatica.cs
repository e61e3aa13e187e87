using System.Net;
using System.Net.Sockets;
using System.Text;
using AcumaticaZendesk.Acumatica.Auth;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace AcumaticaZendesk.Acumatica.IntegrationTests.Infrastructure;

/// <summary>An in-process Acumatica stand-in on 127.0.0.1 with an instance path segment (/AcumaticaERP).</summary>
// WireMock, not the sandbox: these tests script exact wire answers (malformed bodies, statuses, headers) the sandbox must never give.
internal sealed class FakeAcumatica : IDisposable
{
    public const string InstancePath = "/AcumaticaERP";
    public const string Version = "24.200.001";
    public const string EndpointPath = InstancePath + "/entity/Default/" + Version;
    public const string Tenant = "MyTenant";
    public const string ClientId = "4B1C5F2A-0000-0000-0000-000000000000@MyTenant";
    public const string ClientSecret = "client-secret-value-9f8e";
    public const string UserName = "integration";
    public const string Password = "p@ssw0rd-value-77";

    public FakeAcumatica()
    {
        Server = WireMockServer.Start($"http://127.0.0.1:{FreePort()}");
    }

    public WireMockServer Server { get; }

    public Uri InstanceUrl => new($"http://127.0.0.1:{Server.Ports[0]}{InstancePath}");

    public AcumaticaConnection Connection(AcumaticaAuthMode mode, string version = Version) =>
        new(InstanceUrl, "Default", version, Tenant, mode, Branch: "HEADOFFICE", Locale: "EN-US");

    public static AcumaticaOAuthClient OAuthClient => new(ClientId, ClientSecret);

    public static AcumaticaUserCredentials User => new(UserName, Password);

    public IReadOnlyList<ILogEntry> Requests(string method, string pathEndsWith) =>
        [.. Server.LogEntries.Where(e => e.RequestMessage?.Method == method && e.RequestMessage.Path.EndsWith(pathEndsWith, StringComparison.Ordinal))];

    public void StubEntityIndex(string? body = null, int status = 200) =>
        Server.Given(Request.Create().WithPath($"{InstancePath}/entity").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody(body ?? Fixtures.Sample("entity_index_GET_/entity").GetProperty("body").GetRawText()));

    public void StubJson(string method, string path, int status, string body, int priority = 10) =>
        Server.Given(Request.Create().WithPath(path).UsingMethod(method)).AtPriority(priority)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));

    /// <summary>
    /// What the contract-based API answers for a record addressed by key or id that does not exist (GET or DELETE):
    /// 500, not 404 (the spec lists 200/401/500 and 204/401/500 for these routes).
    /// </summary>
    public const string NoEntityBody =
        """
        {
          "message": "An error has occurred.",
          "exceptionMessage": "No entity satisfies the condition.",
          "exceptionType": "PX.Api.ContractBased.NoEntitySatisfiesTheConditionException"
        }
        """;

    public static IResponseMessage Json(int status, string body, params (string Name, string Value)[] headers)
    {
        var h = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") };
        foreach (var (name, value) in headers)
            h[name] = new WireMockList<string>(value);
        return new ResponseMessage
        {
            StatusCode = status,
            Headers = h,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
    }

    public static IResponseMessage Empty(int status, params (string Name, string Value)[] headers)
    {
        var h = new Dictionary<string, WireMockList<string>>();
        foreach (var (name, value) in headers)
        {
            if (h.TryGetValue(name, out var list))
                list.Add(value);
            else
                h[name] = new WireMockList<string>(value);
        }

        return new ResponseMessage { StatusCode = status, Headers = h };
    }

    public void Dispose() => Server.Stop();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
