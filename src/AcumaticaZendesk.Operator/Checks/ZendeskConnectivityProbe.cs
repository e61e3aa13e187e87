using System.Globalization;
using System.Net;
using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>
/// Checks Zendesk with the tenant's client from <see cref="TenantClients"/> (the sync's own, so its token refresh,
/// client_credentials grant and rate budget): the subdomain answers an authenticated read, the granted scopes allow
/// reading and writing organizations and users, and the rate limit leaves headroom (<c>X-Rate-Limit-Remaining</c>).
/// </summary>
internal sealed class ZendeskConnectivityProbe(TenantClients clients, TenantTokens tokens, IOptions<ConnectorOptions> options) : IConnectivityProbe
{
    /// <summary>Below this share of the per-minute limit left, headroom is reported as a problem.</summary>
    public const double LowHeadroom = 0.2;

    public ConnectedSystem System => ConnectedSystem.Zendesk;

    public async Task<IReadOnlyList<CheckItem>> CheckAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var baseUrl = tenant.Zendesk.EffectiveBaseUrl;
        var store = await tokens.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        if (!options.Value.ZendeskClientCredentials
            && await store.GetAsync(tenant.Id, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false) is null)
        {
            return [
                Problem(
                    "token",
                    $"Zendesk is not connected for tenant '{tenant.Id}': start the consent with POST "
                        + $"{OperatorApi.RoutePrefix}/tenants/{tenant.Id}/connect/zendesk.")];
        }

        try
        {
            var client = await clients.ZendeskAsync(tenant, cancellationToken).ConfigureAwait(false);
            await using (var first = client.Organizations.ListAsync(cancellationToken).GetAsyncEnumerator(cancellationToken))
            {
                await first.MoveNextAsync().ConfigureAwait(false);
            }

            var granted = await store.GetAsync(tenant.Id, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false);
            return [Ok("subdomain", $"{baseUrl} answers and accepts the token."), Scopes(granted?.Scope), Headroom(client.RateLimit)];
        }
        catch (ZendeskReauthorizationRequiredException ex)
        {
            clients.Forget(tenant.Id);
            return [
                Problem(
                    "token",
                    $"Zendesk cannot be used for tenant '{tenant.Id}': {ex.Reason}: connect the tenant again with POST "
                        + $"{OperatorApi.RoutePrefix}/tenants/{tenant.Id}/connect/zendesk.")];
        }
        catch (ZendeskOAuthException ex)
        {
            return [
                Problem(
                    "token",
                    $"Zendesk refused the client_credentials grant ({ex.Error ?? ((int)ex.StatusCode).ToString(CultureInfo.InvariantCulture)}): the tenant's "
                        + "Zendesk OAuth client must be "
                        +
                "confidential and allowed that grant; or set Connectors:ZendeskClientCredentials to false and connect the tenant with POST "
                    + $"{OperatorApi.RoutePrefix}/tenants/{tenant.Id}/connect/zendesk.")];
        }
        catch (ZendeskApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return [Problem("subdomain", $"{baseUrl} answers 404: check zendesk.subdomain ('{tenant.Zendesk.Subdomain}').")];
        }
        catch (Exception ex) when (ex is ZendeskApiException or ZendeskBadResponseException)
        {
            return [Problem("subdomain", $"{baseUrl} failed an authenticated read: {UpstreamFailure.Describe(ex)}")];
        }
        catch (HttpRequestException ex)
        {
            return [Problem("subdomain", $"{baseUrl} cannot be reached: {UpstreamFailure.Describe(ex)} Check zendesk.subdomain / zendesk.baseUrl.")];
        }
        catch (ConnectorConfigurationException ex)
        {
            return [Problem("settings", ex.Message)];
        }
    }

    private static CheckItem Scopes(string? scope)
    {
        var granted = (scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var missing = new[] { "organizations:read", "organizations:write", "users:read", "users:write" }
            .Where(needed => !granted.Contains(needed) && !granted.Contains(needed.Split(':')[1]))
            .ToArray();
        return missing.Length == 0
            ? Ok("scopes", $"The token's scopes ({scope}) allow reading and writing organizations and users.")
            : Problem("scopes", $"The token lacks {string.Join(", ", missing)} (granted: '{scope ?? "none"}'); connect again with scope 'read write'.");
    }

    private static CheckItem Headroom((int? Limit, int? Remaining) rate) =>
        rate is not { Limit: { } limit and > 0, Remaining: { } remaining }
            ? Ok("rate-limit", "Zendesk did not report its rate limit on this answer.")
            : remaining < limit * LowHeadroom
                ? Problem(
                    "rate-limit",
                    $"Only {remaining} of {limit} requests per minute are left; other integrations use most of the budget, so syncs will be slow.")
                : Ok("rate-limit", $"{remaining} of {limit} requests per minute are left.");

    private static CheckItem Ok(string item, string message) => new(ConnectedSystem.Zendesk, item, true, message);

    private static CheckItem Problem(string item, string message) => new(ConnectedSystem.Zendesk, item, false, message);
}
