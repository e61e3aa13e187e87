using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using WireMock;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace AcumaticaZendesk.Connectors.IntegrationTests.Infrastructure;

internal static class Http
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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
            h[name] = new WireMockList<string>(value);
        return new ResponseMessage { StatusCode = status, Headers = h };
    }

    public static string? Header(IRequestMessage req, string name) =>
        req.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
}

/// <summary>The vendored samples under tests/specs (linked into specs/ of the output; see tests/specs/README.md).</summary>
internal static class Samples
{
    private static readonly Lazy<JsonDocument> Acumatica = new(() => Load("acumatica-sample-payloads.json"));

    public static JsonElement AcumaticaSample(string name) => Acumatica.Value.RootElement.GetProperty("samples").GetProperty(name);

    private static JsonDocument Load(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "specs", file)));
}
