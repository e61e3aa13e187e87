using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Operator.Checks;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Connect;

/// <summary>
/// What an Acumatica instance offers before a tenant exists: the versions of the <c>Default</c> endpoint listed by
/// <c>GET {instance}/entity</c> (the same client call the check uses), the one to suggest, or in words why none could
/// be read (<see cref="Problem"/>).
/// </summary>
public sealed record DiscoveredEndpoints(IReadOnlyList<string> Versions, string? Suggested, string? BuildVersion, string? Problem);

/// <summary>
/// Lists the endpoint versions an instance offers without signing in (the call is documented as anonymous; an instance
/// that insists on a session is reported, and the version is then chosen by hand and verified by the check once the
/// tenant is connected). The request goes through the one gate, <see cref="TenantClients.AcumaticaAnonymous"/>: the same client, egress policy and limits as
/// every Acumatica call.
/// </summary>
internal sealed class EndpointDiscovery(TenantClients clients)
{
    public async Task<DiscoveredEndpoints> DiscoverAsync(string? instanceUrl, CancellationToken ct)
    {
        if (TenantValidator.CheckUrl(instanceUrl) is { } urlProblem)
        {
            return Failed($"The instance URL {urlProblem}.");
        }

        var client = clients.AcumaticaAnonymous(new Uri(instanceUrl!, UriKind.Absolute));
        var connection = client.Connection;
        AcumaticaEndpointCatalog catalog;
        try
        {
            catalog = await client.GetEndpointsAsync(ct).ConfigureAwait(false);
        }
        catch (AcumaticaAuthenticationException)
        {
            return Failed(
                $"{connection.InstanceRoot} lists its endpoints only after a sign-in. Choose the version by hand; the check step verifies it once the tenant "
                    + "is connected.");
        }
        catch (AcumaticaVersionMismatchException)
        {
            return Failed(
                $"{connection.InstanceRoot} has no endpoint list (GET /entity answered 404 or no JSON). Check the URL, including the instance path segment "
                    + "(e.g. https://erp.example.com/AcumaticaERP).");
        }
        catch (Exception ex) when (ex is AcumaticaException or HttpRequestException or global::System.Text.Json.JsonException)
        {
            return Failed(
                $"{connection.InstanceRoot} cannot be reached or does not answer GET /entity: {UpstreamFailure.Describe(ex)} Check the URL and that the site "
                    + "is up.");
        }

        var versions = catalog.Endpoints
            .Where(e => string.Equals(e.Name, AcumaticaConnection.DefaultEndpointName, StringComparison.OrdinalIgnoreCase))
            .Select(e => e.Version).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (versions.Length == 0)
        {
            var offered = catalog.Endpoints.Count == 0 ? "no endpoints" : string.Join(", ", catalog.Endpoints.Select(e => e.ToString()));
            return Failed($"{connection.InstanceRoot} offers no Default endpoint (it offers {offered}); the connector reads the Default endpoint.");
        }

        // The version the connector's models are written against when offered, else the newest.
        var suggested = versions.Contains(AcumaticaConnection.SupportedVersion, StringComparer.Ordinal) ? AcumaticaConnection.SupportedVersion : versions[^1];
        return new DiscoveredEndpoints(versions, suggested, catalog.AcumaticaBuildVersion, null);
    }

    private static DiscoveredEndpoints Failed(string problem) => new([], null, null, problem);
}
