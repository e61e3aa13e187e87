using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Acumatica.Auth;
using AcumaticaZendesk.Acumatica.Errors;
using AcumaticaZendesk.Acumatica.Reading;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Operator.Connect;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>
/// Checks Acumatica with the tenant's credentials: the instance answers <c>GET /entity</c>, the configured endpoint
/// version is offered, and an authenticated one-record read succeeds (token valid or refreshable / sign-in works).
/// </summary>
internal sealed class AcumaticaConnectivityProbe(
    IAcumaticaClientFactory clients, ISecretSource secrets, TenantTokens tokens, TimeProvider timeProvider) : IConnectivityProbe
{
    public ConnectedSystem System => ConnectedSystem.Acumatica;

    public async Task<IReadOnlyList<CheckItem>> CheckAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var items = new List<CheckItem>();
        var credentials = await TryCredentialsAsync(tenant, items, cancellationToken).ConfigureAwait(false);
        var connection = TenantAcumatica.Connection(tenant, credentials);
        var tokenStore = new TenantAcumaticaTokenStore(await tokens.GetStoreAsync(cancellationToken).ConfigureAwait(false), tenant.Id);
        var client = clients.Create(connection, credentials ?? AcumaticaCredentials.ForAuthorizationCode(new("(not configured)", null)), tokenStore);

        AcumaticaEndpointCatalog? catalog = null;
        try
        {
            catalog = await client.GetEndpointsAsync(cancellationToken).ConfigureAwait(false);
            items.Add(Ok("instance-reachable", $"The instance {connection.InstanceRoot} answers (build {catalog.AcumaticaBuildVersion ?? "not reported"})."));
        }
        catch (Exception ex) when (ex is AcumaticaException or HttpRequestException or global::System.Text.Json.JsonException)
        {
            items.Add(Problem("instance-reachable", $"The instance {connection.InstanceRoot} cannot be reached or does not answer GET /entity: {UpstreamFailure.Describe(ex)} Check acumatica.instanceUrl and that the site is up."));
        }

        var versionOk = false;
        if (catalog is not null)
        {
            versionOk = catalog.Offers(connection.EndpointName, connection.EndpointVersion);
            var offered = string.Join(", ", catalog.Endpoints.Select(e => $"{e.Name}/{e.Version}"));
            items.Add(versionOk
                ? Ok("endpoint-version", $"Endpoint {connection.Endpoint} is offered.")
                : Problem("endpoint-version", $"Endpoint {connection.Endpoint} is not offered by the instance; it offers {(offered.Length == 0 ? "no endpoints" : offered)}. Set acumatica.endpointVersion to one of them."));
        }

        items.Add(await CheckTokenAsync(tenant, client, credentials, versionOk, tokenStore, cancellationToken).ConfigureAwait(false));
        return items;
    }

    private async Task<CheckItem> CheckTokenAsync(
        TenantConfig tenant, IAcumaticaClient client, AcumaticaCredentials? credentials, bool versionOk, TenantAcumaticaTokenStore tokenStore, CancellationToken cancellationToken)
    {
        if (credentials is null)
        {
            return Problem("token", "Not checked: the credentials are not configured (see the item above).");
        }

        var passwordGrant = credentials.User is not null;
        if (tenant.Acumatica.AuthMode == Sync.Tenants.AcumaticaAuthMode.Oauth && !passwordGrant)
        {
            var stored = await tokenStore.LoadAsync(cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                return Problem("token", $"Acumatica is not connected for tenant '{tenant.Id}': start the consent with POST /operator/v1/tenants/{tenant.Id}/connect/acumatica.");
            }

            if (stored.RefreshToken is null && stored.IsExpired(timeProvider.GetUtcNow(), TimeSpan.Zero))
            {
                return Problem("token", $"The Acumatica access token expired at {stored.ExpiresAt:u} and there is no refresh token: connect the tenant again.");
            }
        }

        if (!versionOk)
        {
            return Problem("token", "Not checked: an authenticated call needs an endpoint version the instance offers.");
        }

        try
        {
            await client.ReadPageAsync(AcumaticaEntitySets.Customers, timeProvider.GetUtcNow(), 0, 1, cancellationToken).ConfigureAwait(false);
            return Ok("token", tenant.Acumatica.AuthMode == Sync.Tenants.AcumaticaAuthMode.Oauth
                ? passwordGrant ? "Sign-in with the configured user (OAuth password grant) works." : "The Acumatica token is accepted."
                : "Sign-in with the configured user works.");
        }
        catch (AcumaticaAuthenticationException ex)
        {
            return Problem("token", ex.NeedsReauthorization
                ? $"Acumatica refused the token and it could not be refreshed (expired or revoked): connect the tenant again with POST /operator/v1/tenants/{tenant.Id}/connect/acumatica."
                : $"Acumatica refused the sign-in: {UpstreamFailure.Describe(ex)} Check the user and the OAuth client in the secret store.");
        }
        catch (AcumaticaException ex)
        {
            return Problem("token", $"An authenticated read failed: {UpstreamFailure.Describe(ex)}");
        }
        catch (HttpRequestException ex)
        {
            return Problem("token", $"An authenticated read failed: {UpstreamFailure.Describe(ex)}");
        }
    }

    private async Task<AcumaticaCredentials?> TryCredentialsAsync(TenantConfig tenant, List<CheckItem> items, CancellationToken cancellationToken)
    {
        try
        {
            return await TenantAcumatica.CredentialsAsync(secrets, tenant, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            items.Add(Problem("credentials", ex.Message));
            return null;
        }
    }

    private static CheckItem Ok(string item, string message) => new(ConnectedSystem.Acumatica, item, true, message);

    private static CheckItem Problem(string item, string message) => new(ConnectedSystem.Acumatica, item, false, message);
}
