using System.Net;
using AcumaticaZendesk.Zendesk.Http;
using AcumaticaZendesk.Zendesk.Jobs;

namespace AcumaticaZendesk.Zendesk.Organizations;

/// <summary>
/// Organizations: lookups by external_id (batched <c>show_many</c>, ≤100 a call) and by exact name, single
/// create/update, and <c>create_many</c>/<c>update_many</c> jobs (≤100 a job) whose per-item results come back
/// in the caller's order. A name clash (422 DuplicateValue) is a per-record <see cref="ZendeskRecordError"/>.
/// </summary>
public sealed class ZendeskOrganizationsClient
{
    private readonly ZendeskApiConnection _api;
    private readonly ZendeskJobsClient _jobs;

    internal ZendeskOrganizationsClient(ZendeskApiConnection api, ZendeskJobsClient jobs)
    {
        _api = api;
        _jobs = jobs;
    }

    /// <summary><c>GET /api/v2/organizations/{id}</c>; null when the organization does not exist.</summary>
    public Task<ZendeskOrganization?> GetAsync(long organizationId, CancellationToken cancellationToken) =>
        _api.ShowAsync<ZendeskOrganization>($"/api/v2/organizations/{organizationId}", "organization", "organizations.show", cancellationToken);

    /// <summary>
    /// Finds organizations by external_id in batches of 100. The result is keyed case-insensitively (Zendesk
    /// treats external_id so); ids not found are absent. Ids containing a comma are looked up one by one.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ZendeskOrganization>> GetByExternalIdsAsync(
        IEnumerable<string> externalIds, CancellationToken cancellationToken)
    {
        var ids = ZendeskBatching.DistinctExternalIds(externalIds);
        var found = new Dictionary<string, ZendeskOrganization>(StringComparer.OrdinalIgnoreCase);
        foreach (var batch in ids.Where(id => !id.Contains(',', StringComparison.Ordinal)).Chunk(ZendeskBatching.MaxPerCall))
        {
            var request = new ZendeskRequest(
                HttpMethod.Get,
                $"/api/v2/organizations/show_many?external_ids={ZendeskBatching.JoinForQuery(batch)}",
                "organizations.show_many",
                true);
            var organizations = await _api.GetJsonAsync(
                request,
                body => ZendeskJson.Property<List<ZendeskOrganization>>(body, "organizations", request.Endpoint),
                cancellationToken)
                .ConfigureAwait(false);
            foreach (var org in organizations)
            {
                if (org.ExternalId is { Length: > 0 } ext)
                {
                    found[ext] = org;
                }
            }
        }

        foreach (var id in ids.Where(id => id.Contains(',', StringComparison.Ordinal)))
        {
            if (await GetByExternalIdAsync(id, cancellationToken).ConfigureAwait(false) is { } org)
            {
                found[id] = org;
            }
        }

        return found;
    }

    /// <summary>One organization by external_id (<c>organizations/search?external_id=</c>, exact, case-insensitive).</summary>
    public async Task<ZendeskOrganization?> GetByExternalIdAsync(string externalId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(externalId);
        var matches = await SearchAsync($"external_id={Uri.EscapeDataString(externalId)}", "organizations.search_external_id", cancellationToken)
            .ConfigureAwait(false);
        return matches.FirstOrDefault(o => string.Equals(o.ExternalId, externalId, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Organizations whose name equals <paramref name="name"/> (case-insensitive), for adopting existing
    /// organizations during onboarding (<c>organizations/search?name=</c>).
    /// </summary>
    public async Task<IReadOnlyList<ZendeskOrganization>> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var matches = await SearchAsync($"name={Uri.EscapeDataString(name)}", "organizations.search_name", cancellationToken).ConfigureAwait(false);
        return [.. matches.Where(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>
    /// Every organization of the account, oldest first (<c>GET /api/v2/organizations</c>, cursor pages of
    /// <see cref="ZendeskClientOptions.PageSize"/>); pages are fetched as the caller enumerates.
    /// </summary>
    public IAsyncEnumerable<ZendeskOrganization> ListAsync(CancellationToken cancellationToken) =>
        _api.PaginateAsync<ZendeskOrganization>("/api/v2/organizations", "organizations", "organizations.list", cancellationToken);

    /// <summary><c>POST /api/v2/organizations</c>; a 422 (e.g. name taken) is returned as the record's error.</summary>
    public async Task<ZendeskRecordResult<ZendeskOrganization>> CreateAsync(ZendeskOrganizationWrite organization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        if (organization.Id is not null)
        {
            throw new ArgumentException("An organization to create must not carry an Id; use UpdateAsync.", nameof(organization));
        }

        RequireName(organization);
        var request = new ZendeskRequest(HttpMethod.Post, "/api/v2/organizations", "organizations.create", false,
            ZendeskJson.Serialize(new { organization }));
        return await WriteAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>PUT /api/v2/organizations/{id}</c>; a 422 or 404 is returned as the record's error.</summary>
    public async Task<ZendeskRecordResult<ZendeskOrganization>> UpdateAsync(ZendeskOrganizationWrite organization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var id = organization.Id ?? throw new ArgumentException("An organization to update needs its Zendesk Id.", nameof(organization));
        RequireName(organization);
        var request = new ZendeskRequest(HttpMethod.Put, $"/api/v2/organizations/{id}", "organizations.update", true,
            ZendeskJson.Serialize(new { organization = organization with { Id = null } }));
        return await WriteAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates organizations with <c>create_many</c> jobs of ≤100 and waits for them. One result per input, in
    /// input order; failures (e.g. a duplicate name) are per-record errors.
    /// </summary>
    public Task<IReadOnlyList<ZendeskBulkItemResult>> CreateManyAsync(
        IReadOnlyList<ZendeskOrganizationWrite> organizations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        foreach (var o in organizations)
        {
            ArgumentNullException.ThrowIfNull(o, nameof(organizations));
            if (o.Id is not null)
            {
                throw new ArgumentException(
                    $"Organization '{o.ExternalId ?? o.Name}' carries an Id; use UpdateManyAsync for existing organizations.",
                    nameof(organizations));
            }

            RequireName(o);
        }

        return RunBulkAsync(organizations, HttpMethod.Post, "/api/v2/organizations/create_many", "organizations.create_many", cancellationToken);
    }

    /// <summary>Updates organizations (each with its Id) with batch <c>update_many</c> jobs of ≤100.</summary>
    public Task<IReadOnlyList<ZendeskBulkItemResult>> UpdateManyAsync(
        IReadOnlyList<ZendeskOrganizationWrite> organizations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organizations);
        foreach (var o in organizations)
        {
            ArgumentNullException.ThrowIfNull(o, nameof(organizations));
            if (o.Id is null)
            {
                throw new ArgumentException(
                    $"Organization '{o.ExternalId ?? o.Name}' has no Id; update_many needs the Zendesk id of every organization.",
                    nameof(organizations));
            }

            RequireName(o);
        }

        return RunBulkAsync(organizations, HttpMethod.Put, "/api/v2/organizations/update_many", "organizations.update_many", cancellationToken);
    }

    private async Task<IReadOnlyList<ZendeskBulkItemResult>> RunBulkAsync(
        IReadOnlyList<ZendeskOrganizationWrite> organizations,
        HttpMethod method,
        string path,
        string endpoint,
        CancellationToken cancellationToken)
    {
        var chunks = organizations
            .Select((o, i) => (Record: o, Input: new ZendeskBulkInput(i, o.Id, o.ExternalId)))
            .Chunk(ZendeskBatching.MaxPerCall)
            .Select(async chunk =>
            {
                var body = ZendeskJson.Serialize(new { organizations = chunk.Select(c => c.Record).ToArray() });
                var request = new ZendeskRequest(method, path, endpoint, false, body);
                var (results, refusal) = await _jobs.RunAsync(request, [.. chunk.Select(c => c.Input)], cancellationToken).ConfigureAwait(false);
                return results ?? throw _api.Failure(request, refusal!);
            });
        var all = await Task.WhenAll(chunks).ConfigureAwait(false);
        return [.. all.SelectMany(r => r)];
    }

    private async Task<IReadOnlyList<ZendeskOrganization>> SearchAsync(string query, string endpoint, CancellationToken cancellationToken)
    {
        var request = new ZendeskRequest(HttpMethod.Get, $"/api/v2/organizations/search?{query}", endpoint, true);
        return await _api.GetJsonAsync(
            request,
            body => ZendeskJson.Property<List<ZendeskOrganization>>(body, "organizations", endpoint),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<ZendeskRecordResult<ZendeskOrganization>> WriteAsync(ZendeskRequest request, CancellationToken cancellationToken)
    {
        var response = await _api.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return ZendeskRecordResult<ZendeskOrganization>.Ok(
                ZendeskJson.Property<ZendeskOrganization>(response.Body, "organization", request.Endpoint),
                response.Status == HttpStatusCode.Created);
        }

        return response.Status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound
            ? ZendeskRecordResult<ZendeskOrganization>.Failed(ZendeskRecordError.FromResponse(response.Status, response.Body))
            : throw _api.Failure(request, response);
    }

    private static void RequireName(ZendeskOrganizationWrite organization)
    {
        if (string.IsNullOrWhiteSpace(organization.Name))
        {
            throw new ArgumentException($"Organization '{organization.ExternalId}' has no name; Zendesk requires a unique name.", nameof(organization));
        }
    }
}
