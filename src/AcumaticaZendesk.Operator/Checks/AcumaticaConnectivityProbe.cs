using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.Reading;
using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>
/// Checks Acumatica with the tenant's client from <see cref="TenantClients"/> (the sync's own): the instance answers
/// <c>GET /entity</c>, the configured endpoint version is offered, and an authenticated one-record read succeeds (token
/// valid or refreshable / sign-in works). Without configured credentials the instance is still asked what it offers.
/// </summary>
internal sealed class AcumaticaConnectivityProbe(TenantClients clients, TenantTokens tokens, TimeProvider timeProvider) : IConnectivityProbe
{
    public ConnectedSystem System => ConnectedSystem.Acumatica;

    public async Task<IReadOnlyList<CheckItem>> CheckAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var items = new List<CheckItem>();
        IAcumaticaClient? client;
        AcumaticaConnection connection;
        try
        {
            client = await TryClientAsync(tenant, items, cancellationToken).ConfigureAwait(false);
            connection = client?.Connection ?? TenantClients.AcumaticaConnectionFor(tenant);
        }
        catch (ConnectorConfigurationException ex)
        {
            return [.. items, Problem("instance-reachable", ex.Message)];
        }

        var reader = client ?? clients.AcumaticaAnonymous(connection.InstanceUrl);
        AcumaticaEndpointCatalog? catalog = null;
        try
        {
            catalog = await reader.GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
            items.Add(Ok("instance-reachable", $"The instance {connection.InstanceRoot} answers (build {catalog.AcumaticaBuildVersion ?? "not reported"})."));
        }
        catch (Exception ex) when (ex is AcumaticaException or HttpRequestException or global::System.Text.Json.JsonException)
        {
            items.Add(
                Problem(
                    "instance-reachable",
                    $"The instance {connection.InstanceRoot} cannot be reached or does not answer GET /entity: {UpstreamFailure.Describe(ex)} Check "
                        + "acumatica.instanceUrl and that the site is up."));
        }

        var versionOk = false;
        if (catalog is not null)
        {
            versionOk = catalog.Offers(connection.EndpointName, connection.EndpointVersion);
            var offered = string.Join(", ", catalog.Endpoints.Select(e => $"{e.Name}/{e.Version}"));
            items.Add(versionOk
                ? Ok("endpoint-version", $"Endpoint {connection.Endpoint} is offered.")
                : Problem(
                    "endpoint-version",
                    $"Endpoint {connection.Endpoint} is not offered by the instance; it offers {(offered.Length == 0 ? "no endpoints" : offered)}. Set "
                        + "acumatica.endpointVersion to one of them."));
        }

        items.Add(await CheckTokenAsync(tenant, client, versionOk, cancellationToken).ConfigureAwait(false));
        return items;
    }

    private async Task<CheckItem> CheckTokenAsync(TenantConfig tenant, IAcumaticaClient? client, bool versionOk, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            return Problem("token", "Not checked: the credentials are not configured (see the item above).");
        }

        var passwordGrant = client.Connection.AuthMode == AcumaticaAuthMode.OAuthPassword;
        if (client.Connection.AuthMode == AcumaticaAuthMode.OAuthAuthorizationCode)
        {
            var store = await tokens.GetStoreAsync(cancellationToken).ConfigureAwait(false);
            var stored = await store.GetAsync(tenant.Id, ConnectedSystem.Acumatica, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return Problem(
                    "token",
                    $"Acumatica is not connected for tenant '{tenant.Id}': start the consent with POST "
                        + $"{OperatorApi.RoutePrefix}/tenants/{tenant.Id}/connect/acumatica.");
            }

            if (stored.RefreshToken is null && stored.AccessTokenExpiresAt is { } expires && expires <= timeProvider.GetUtcNow())
            {
                return Problem("token", $"The Acumatica access token expired at {expires:u} and there is no refresh token: connect the tenant again.");
            }
        }

        if (!versionOk)
        {
            return Problem("token", "Not checked: an authenticated call needs an endpoint version the instance offers.");
        }

        try
        {
            await client.ReadPageAsync(AcumaticaEntitySets.Customers, timeProvider.GetUtcNow(), 0, 1, cancellationToken).ConfigureAwait(false);
            return Ok("token", tenant.Acumatica.AuthMode == AcumaticaSignIn.Oauth
                ? passwordGrant ? "Sign-in with the configured user (OAuth password grant) works." : "The Acumatica token is accepted."
                : "Sign-in with the configured user works.");
        }
        catch (AcumaticaAuthenticationException ex)
        {
            if (ex.NeedsReauthorization)
            {
                clients.Forget(tenant.Id);
            }

            return Problem("token", ex.NeedsReauthorization
                ? "Acumatica refused the token and it could not be refreshed (expired or revoked): connect the tenant again with POST "
                    + $"{OperatorApi.RoutePrefix}/tenants/{tenant.Id}/connect/acumatica."
                : $"Acumatica refused the sign-in: {UpstreamFailure.Describe(ex)} Check the user and the OAuth client in the secret store.");
        }
        catch (Exception ex) when (ex is AcumaticaException or HttpRequestException)
        {
            return Problem("token", $"An authenticated read failed: {UpstreamFailure.Describe(ex)}");
        }
    }

    private async Task<IAcumaticaClient?> TryClientAsync(TenantConfig tenant, List<CheckItem> items, CancellationToken cancellationToken)
    {
        try
        {
            return await clients.AcumaticaAsync(tenant, cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectorConfigurationException ex) when (ex.Setting != "acumatica.instanceUrl")
        {
            items.Add(Problem("credentials", ex.Message));
            return null;
        }
    }

    private static CheckItem Ok(string item, string message) => new(ConnectedSystem.Acumatica, item, true, message);

    private static CheckItem Problem(string item, string message) => new(ConnectedSystem.Acumatica, item, false, message);
}
