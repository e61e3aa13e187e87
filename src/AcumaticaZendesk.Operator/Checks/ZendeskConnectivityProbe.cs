using System.Globalization;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Operator.Checks;

/// <summary>
/// Checks Zendesk with the tenant's token: the subdomain answers an authenticated read, the granted scopes allow
/// reading and writing organizations and users, and the rate limit leaves headroom (<c>X-Rate-Limit-Remaining</c>).
/// </summary>
internal sealed class ZendeskConnectivityProbe(ZendeskReader reader) : IConnectivityProbe
{
    /// <summary>Below this share of the per-minute limit left, headroom is reported as a problem.</summary>
    public const double LowHeadroom = 0.2;

    public ConnectedSystem System => ConnectedSystem.Zendesk;

    public async Task<IReadOnlyList<CheckItem>> CheckAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        var baseUrl = tenant.Zendesk.EffectiveBaseUrl;
        try
        {
            var (response, tokens) = await reader.GetAsync(tenant, "organizations.json?page%5Bsize%5D=1", cancellationToken).ConfigureAwait(false);
            using (response)
            {
                var items = new List<CheckItem>();
                if (!response.IsSuccessStatusCode)
                {
                    items.Add(Problem("subdomain", (int)response.StatusCode == 404
                        ? $"{baseUrl} answers 404: check zendesk.subdomain ('{tenant.Zendesk.Subdomain}')."
                        : $"{baseUrl} answered {(int)response.StatusCode} to an authenticated read."));
                }
                else
                {
                    items.Add(Ok("subdomain", $"{baseUrl} answers and accepts the token."));
                }

                items.Add(Scopes(tokens.Scope));
                items.Add(Headroom(response));
                return items;
            }
        }
        catch (ZendeskNotAuthorizedException ex)
        {
            return [Problem("token", ex.Message)];
        }
        catch (HttpRequestException ex)
        {
            return [Problem("subdomain", $"{baseUrl} cannot be reached: {UpstreamFailure.Describe(ex)} Check zendesk.subdomain / zendesk.baseUrl.")];
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

    private static CheckItem Headroom(HttpResponseMessage response)
    {
        if (!int.TryParse(First(response, "X-Rate-Limit"), NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            || !int.TryParse(First(response, "X-Rate-Limit-Remaining"), NumberStyles.None, CultureInfo.InvariantCulture, out var remaining)
            || limit <= 0)
        {
            return Ok("rate-limit", "Zendesk did not report its rate limit on this answer.");
        }

        return remaining < limit * LowHeadroom
            ? Problem("rate-limit", $"Only {remaining} of {limit} requests per minute are left; other integrations use most of the budget, so syncs will be slow.")
            : Ok("rate-limit", $"{remaining} of {limit} requests per minute are left.");
    }

    private static string? First(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? values.FirstOrDefault() : null;

    private static CheckItem Ok(string item, string message) => new(ConnectedSystem.Zendesk, item, true, message);

    private static CheckItem Problem(string item, string message) => new(ConnectedSystem.Zendesk, item, false, message);
}
