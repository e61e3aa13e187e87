using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AcumaticaZendesk.Connectors;
using AcumaticaZendesk.Connectors.Credentials;
using AcumaticaZendesk.Connectors.Zendesk;
using AcumaticaZendesk.Operator.Connect;
using AcumaticaZendesk.Sync.Credentials;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>The tenant has no usable Zendesk token (never connected, or rejected and not refreshable).</summary>
public sealed class ZendeskNotAuthorizedException(string message) : Exception(message);

/// <summary>
/// Read-only Zendesk calls for <c>check</c> and <c>reconcile</c> with the tenant's OAuth token (refreshed through the
/// Zendesk client's <see cref="ZendeskOAuthClient"/> when it is about to expire or was rejected; rotated tokens are
/// saved encrypted). With <see cref="ConnectorOptions.ZendeskClientCredentials"/> a tenant without a usable token gets one
/// from the client_credentials grant, as the sync does, instead of being reported "not connected".
/// Lists use cursor pagination (<c>page[size]</c>, <c>meta.has_more</c>, <c>links.next</c>).
/// </summary>
internal sealed class ZendeskReader(
    IHttpClientFactory httpClientFactory, ZendeskOAuthClient oauth, ZendeskClientCredentialsGrant clientCredentials, ISecretSource secrets,
    TenantTokens tokens, IOptions<OperatorOptions> options, IOptions<ConnectorOptions> connectorOptions, IOptions<ZendeskClientOptions> clientOptions,
    TimeProvider timeProvider)
{
    /// <summary>GET <c>/api/v2/{pathAndQuery}</c>; the caller disposes the answer.</summary>
    public async Task<(HttpResponseMessage Response, TokenSet Tokens)> GetAsync(TenantConfig tenant, string pathAndQuery, CancellationToken cancellationToken)
    {
        var store = await tokens.GetStoreAsync(cancellationToken).ConfigureAwait(false);
        var current = await store.GetAsync(tenant.Id, ConnectedSystem.Zendesk, cancellationToken).ConfigureAwait(false);
        if (current is null && connectorOptions.Value.ZendeskClientCredentials)
        {
            current = await GrantAsync(tenant, store, cancellationToken).ConfigureAwait(false);
        }

        current = current
            ?? throw new ZendeskNotAuthorizedException($"Zendesk is not connected for tenant '{tenant.Id}': start the consent with POST {OperatorApi.RoutePrefix}/tenants/{tenant.Id}/connect/zendesk.");
        if (current.AccessTokenExpiresAt is { } expires && expires - TimeSpan.FromMinutes(1) <= timeProvider.GetUtcNow())
        {
            current = await RefreshAsync(tenant, current, store, cancellationToken).ConfigureAwait(false);
        }

        var response = await SendAsync(tenant, pathAndQuery, current, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            current = await RefreshAsync(tenant, current, store, cancellationToken).ConfigureAwait(false);
            response = await SendAsync(tenant, pathAndQuery, current, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                throw new ZendeskNotAuthorizedException("Zendesk rejected a freshly refreshed token: connect the tenant again.");
            }
        }

        return (response, current);
    }

    /// <summary>Every item of a cursor-paginated list (<paramref name="envelope"/> = <c>organizations</c> or <c>users</c>).</summary>
    public async IAsyncEnumerable<JsonElement> ListAsync(TenantConfig tenant, string envelope, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = $"{envelope}.json?page%5Bsize%5D=100";
        var cursors = new HashSet<string>(StringComparer.Ordinal);
        for (var pages = 1; next is not null; pages++)
        {
            var (response, _) = await GetAsync(tenant, next, cancellationToken).ConfigureAwait(false);
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"Zendesk answered {(int)response.StatusCode} to GET {envelope}.", null, response.StatusCode);
                }

                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                foreach (var item in doc.RootElement.GetProperty(envelope).EnumerateArray())
                {
                    yield return item.Clone();
                }

                var root = doc.RootElement;
                var hasMore = root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True;
                var cursor = hasMore && meta.TryGetProperty("after_cursor", out var after) ? after.GetString() : null;
                // A repeated cursor (A, B, A, …) or too many pages: the listing would never end.
                if (cursor is not null && !cursors.Add(cursor))
                {
                    throw new ZendeskBadResponseException($"{envelope}.list", $"a cursor it had already returned (page {pages}); the listing would never end");
                }

                if (cursor is not null && pages >= clientOptions.Value.MaxListPages)
                {
                    throw new ZendeskBadResponseException($"{envelope}.list", $"more than Zendesk:MaxListPages ({clientOptions.Value.MaxListPages}) pages");
                }

                next = cursor is null ? null : $"{envelope}.json?page%5Bsize%5D=100&page%5Bafter%5D={Uri.EscapeDataString(cursor)}";
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(TenantConfig tenant, string pathAndQuery, TokenSet current, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(tenant.Zendesk.EffectiveBaseUrl.AbsoluteUri.TrimEnd('/') + "/api/v2/" + pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", current.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await httpClientFactory.CreateClient(ZendeskServiceCollectionExtensions.HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TokenSet> RefreshAsync(TenantConfig tenant, TokenSet current, TenantTokenStore store, CancellationToken cancellationToken)
    {
        if (!TenantZendesk.FromTokenSet(current).CanRefresh(timeProvider.GetUtcNow()))
        {
            return connectorOptions.Value.ZendeskClientCredentials
                ? await GrantAsync(tenant, store, cancellationToken).ConfigureAwait(false)
                : throw new ZendeskNotAuthorizedException("The Zendesk access token expired or was rejected and there is no usable refresh token: connect the tenant again.");
        }

        var connection = await ConnectionAsync(tenant, cancellationToken).ConfigureAwait(false);
        try
        {
            var refreshed = TenantZendesk.ToTokenSet(await oauth.RefreshAsync(connection, current.RefreshToken!, cancellationToken).ConfigureAwait(false));
            await store.SaveAsync(tenant.Id, ConnectedSystem.Zendesk, refreshed, cancellationToken).ConfigureAwait(false);
            return refreshed;
        }
        catch (ZendeskOAuthException) when (connectorOptions.Value.ZendeskClientCredentials)
        {
            return await GrantAsync(tenant, store, cancellationToken).ConfigureAwait(false);
        }
        catch (ZendeskOAuthException ex)
        {
            throw new ZendeskNotAuthorizedException($"Zendesk refused to refresh the token ({ex.Error ?? "no error code"}; expired or revoked): connect the tenant again.");
        }
    }

    /// <summary>A token from the client_credentials grant, saved like a consented one (what the sync's token source does).</summary>
    private async Task<TokenSet> GrantAsync(TenantConfig tenant, TenantTokenStore store, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(tenant, cancellationToken).ConfigureAwait(false);
        try
        {
            var issued = TenantZendesk.ToTokenSet(await clientCredentials.RequestAsync(connection, cancellationToken).ConfigureAwait(false));
            await store.SaveAsync(tenant.Id, ConnectedSystem.Zendesk, issued, cancellationToken).ConfigureAwait(false);
            return issued;
        }
        catch (ZendeskOAuthException ex)
        {
            throw new ZendeskNotAuthorizedException(
                $"Zendesk refused the client_credentials grant ({ex.Error ?? "no error code"}) for tenant '{tenant.Id}': its Zendesk OAuth client must be " +
                "confidential (client id and secret) and allowed that grant; or set Connectors:ZendeskClientCredentials to false and connect the tenant " +
                $"with POST {OperatorApi.RoutePrefix}/tenants/{tenant.Id}/connect/zendesk.");
        }
    }

    private Task<ZendeskConnection> ConnectionAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var redirect = new Uri((options.Value.PublicBaseUrl?.AbsoluteUri.TrimEnd('/') ?? "http://localhost") + $"{OperatorApi.RoutePrefix}/connect/zendesk/callback");
        return TenantZendesk.ConnectionAsync(secrets, tenant, redirect, cancellationToken);
    }
}
