using System.Net;
using AcumaticaZendesk.Zendesk.Http;
using AcumaticaZendesk.Zendesk.Jobs;
using Microsoft.Extensions.Logging;

namespace AcumaticaZendesk.Zendesk.Users;

/// <summary>
/// Users: lookups (external_id batches, email search, identities), <c>create_or_update</c> and
/// <c>create_or_update_many</c> (falling back to single calls when the account answers 403 to bulk import),
/// and email changes as added identities (the primary email is replaced only when asked).
/// </summary>
public sealed partial class ZendeskUsersClient
{
    private readonly ZendeskApiConnection _api;
    private readonly ZendeskJobsClient _jobs;

    internal ZendeskUsersClient(ZendeskApiConnection api, ZendeskJobsClient jobs)
    {
        _api = api;
        _jobs = jobs;
    }

    /// <summary><c>GET /api/v2/users/{id}</c>; null when the user does not exist.</summary>
    public Task<ZendeskUser?> GetAsync(long userId, CancellationToken cancellationToken) =>
        _api.ShowAsync<ZendeskUser>($"/api/v2/users/{userId}", "user", "users.show", cancellationToken);

    /// <summary>Users by external_id (<c>users/show_many?external_ids=</c>, 100 a call), keyed case-insensitively.</summary>
    public async Task<IReadOnlyDictionary<string, ZendeskUser>> GetByExternalIdsAsync(IEnumerable<string> externalIds, CancellationToken cancellationToken)
    {
        var ids = ZendeskBatching.DistinctExternalIds(externalIds);
        if (ids.FirstOrDefault(id => id.Contains(',', StringComparison.Ordinal)) is { } bad)
        {
            throw new ArgumentException($"User external_id '{bad}' contains a comma, which show_many cannot look up.", nameof(externalIds));
        }

        var found = new Dictionary<string, ZendeskUser>(StringComparer.OrdinalIgnoreCase);
        foreach (var batch in ids.Chunk(ZendeskBatching.MaxPerCall))
        {
            var request = new ZendeskRequest(HttpMethod.Get,
                $"/api/v2/users/show_many?external_ids={ZendeskBatching.JoinForQuery(batch)}", "users.show_many", true);
            var users = await _api.GetJsonAsync(request, body => ZendeskJson.Property<List<ZendeskUser>>(body, "users", request.Endpoint), cancellationToken)
                .ConfigureAwait(false);
            foreach (var user in users)
            {
                if (user.ExternalId is { Length: > 0 } ext)
                {
                    found[ext] = user;
                }
            }
        }

        return found;
    }

    /// <summary>Users having <paramref name="email"/> as any email identity (<c>users/search?query=email:…</c>), for adoption.</summary>
    public async Task<IReadOnlyList<ZendeskUser>> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var request = new ZendeskRequest(HttpMethod.Get,
            $"/api/v2/users/search?query={Uri.EscapeDataString("email:" + email)}", "users.search_email", true);
        return await _api.GetJsonAsync(request, body =>
            ZendeskJson.Property<List<ZendeskUser>>(body, "users", request.Endpoint), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every user of the account, oldest first (<c>GET /api/v2/users</c>, cursor pages of
    /// <see cref="ZendeskClientOptions.PageSize"/>; each with its primary e-mail only); pages are fetched as the caller enumerates.
    /// </summary>
    public IAsyncEnumerable<ZendeskUser> ListAsync(CancellationToken cancellationToken) =>
        _api.PaginateAsync<ZendeskUser>("/api/v2/users", "users", "users.list", cancellationToken);

    /// <summary>A user's identities (cursor-paginated).</summary>
    public async Task<IReadOnlyList<ZendeskUserIdentity>> GetIdentitiesAsync(long userId, CancellationToken cancellationToken)
    {
        var identities = new List<ZendeskUserIdentity>();
        await foreach (var identity in _api.PaginateAsync<ZendeskUserIdentity>(
                           $"/api/v2/users/{userId}/identities", "identities", "users.identities.list", cancellationToken).ConfigureAwait(false))
        {
            identities.Add(identity);
        }

        return identities;
    }

    /// <summary>
    /// Creates or updates one user (<c>POST /api/v2/users/create_or_update</c>). For an existing user the body
    /// carries its id and no email; a changed email is then added as an identity (see <see cref="AddEmailIdentityAsync"/>).
    /// A 422 (e.g. email used by another user) is returned as the record's error.
    /// </summary>
    public async Task<ZendeskUserUpsertResult> UpsertAsync(ZendeskUserUpsert upsert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upsert);
        Validate(upsert);
        var request = new ZendeskRequest(HttpMethod.Post, "/api/v2/users/create_or_update", "users.create_or_update", true,
            ZendeskJson.Serialize(new { user = UserBody.From(upsert) }));
        var response = await _api.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound
                ? new ZendeskUserUpsertResult(ZendeskRecordResult<ZendeskUser>.Failed(ZendeskRecordError.FromResponse(response.Status, response.Body)))
                : throw _api.Failure(request, response);
        }

        var user = ZendeskJson.Property<ZendeskUser>(response.Body, "user", request.Endpoint);
        var written = ZendeskRecordResult<ZendeskUser>.Ok(user, response.Status == HttpStatusCode.Created);
        if (!EmailChanged(upsert))
        {
            return new ZendeskUserUpsertResult(written);
        }

        var identity = await AddEmailIdentityAsync(user.Id, upsert.User.Email!, upsert.MakeEmailPrimary, upsert.User.SkipVerifyEmail, cancellationToken)
            .ConfigureAwait(false);
        return new ZendeskUserUpsertResult(written, identity.Value, identity.Error);
    }

    /// <summary>
    /// Creates or updates users with <c>create_or_update_many</c> jobs of ≤100, then adds identities for changed
    /// emails. When the account refuses bulk import (403) every record goes through <see cref="UpsertAsync"/>
    /// instead, and so do later calls for this account. One result per input, in input order; a result with an
    /// <see cref="ZendeskBulkItemResult.Id"/> and an error means the user was written but its new email was not added.
    /// </summary>
    public async Task<IReadOnlyList<ZendeskBulkItemResult>> UpsertManyAsync(IReadOnlyList<ZendeskUserUpsert> upserts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        foreach (var u in upserts)
        {
            ArgumentNullException.ThrowIfNull(u, nameof(upserts));
            Validate(u);
        }

        var results = new List<ZendeskBulkItemResult>(upserts.Count);
        var offset = 0;
        foreach (var chunk in upserts.Chunk(ZendeskBatching.MaxPerCall))
        {
            results.AddRange(_api.Account.BulkUserImportRefused
                ? await UpsertSinglyAsync(chunk, offset, cancellationToken).ConfigureAwait(false)
                : await UpsertChunkAsync(chunk, offset, cancellationToken).ConfigureAwait(false));
            offset += chunk.Length;
        }

        return results;
    }

    /// <summary>
    /// Adds <paramref name="email"/> as an email identity of the user (<c>POST /api/v2/users/{id}/identities</c>)
    /// unless it already is one, and makes it primary only when <paramref name="makePrimary"/> is true. The
    /// existing primary email stays otherwise. A 422 (address used by another user) is the record's error.
    /// </summary>
    public async Task<ZendeskRecordResult<ZendeskUserIdentity>> AddEmailIdentityAsync(
        long userId, string email, bool makePrimary, bool skipVerifyEmail, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var identities = await GetIdentitiesAsync(userId, cancellationToken).ConfigureAwait(false);
        var identity = identities.FirstOrDefault(i => i.Type == "email" && string.Equals(i.Value, email, StringComparison.OrdinalIgnoreCase));
        var created = false;
        if (identity is null)
        {
            var request = new ZendeskRequest(HttpMethod.Post, $"/api/v2/users/{userId}/identities", "users.identities.create", false,
                ZendeskJson.Serialize(new { identity = new IdentityBody("email", email, skipVerifyEmail ? true : null) }));
            var response = await _api.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return response.Status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound
                    ? ZendeskRecordResult<ZendeskUserIdentity>.Failed(ZendeskRecordError.FromResponse(response.Status, response.Body))
                    : throw _api.Failure(request, response);
            }

            identity = ZendeskJson.Property<ZendeskUserIdentity>(response.Body, "identity", request.Endpoint);
            created = true;
            LogIdentityAdded(_api.Logger, _api.Connection.Subdomain, userId, identity.Id);
        }

        if (makePrimary && !identity.Primary)
        {
            var request = new ZendeskRequest(HttpMethod.Put, $"/api/v2/users/{userId}/identities/{identity.Id}/make_primary",
                "users.identities.make_primary", true);
            await _api.SendOrThrowAsync(request, cancellationToken).ConfigureAwait(false);
            identity = identity with { Primary = true };
        }

        return ZendeskRecordResult<ZendeskUserIdentity>.Ok(identity, created);
    }

    private async Task<IReadOnlyList<ZendeskBulkItemResult>> UpsertChunkAsync(ZendeskUserUpsert[] chunk, int offset, CancellationToken cancellationToken)
    {
        var request = new ZendeskRequest(HttpMethod.Post, "/api/v2/users/create_or_update_many", "users.create_or_update_many", true,
            ZendeskJson.Serialize(new { users = chunk.Select(UserBody.From).ToArray() }));
        var inputs = chunk.Select(
            (u, i) => new ZendeskBulkInput(offset + i, u.Existing?.Id, u.User.ExternalId, u.Existing is null ? u.User.Email : null)).ToArray();
        var (results, refusal) = await _jobs.RunAsync(request, inputs, cancellationToken).ConfigureAwait(false);
        if (results is null)
        {
            if (refusal!.Status != HttpStatusCode.Forbidden)
            {
                throw _api.Failure(request, refusal);
            }

            _api.Account.BulkUserImportRefused = true;
            LogBulkRefused(_api.Logger, _api.Connection.Subdomain);
            return await UpsertSinglyAsync(chunk, offset, cancellationToken).ConfigureAwait(false);
        }

        var withIdentities = new List<ZendeskBulkItemResult>(results.Count);
        foreach (var result in results)
        {
            var upsert = chunk[result.Index - offset];
            if (result.Succeeded && result.Id is { } userId && EmailChanged(upsert))
            {
                var identity = await AddEmailIdentityAsync(userId, upsert.User.Email!, upsert.MakeEmailPrimary, upsert.User.SkipVerifyEmail, cancellationToken)
                    .ConfigureAwait(false);
                withIdentities.Add(identity.Error is null ? result : result with { Error = identity.Error });
            }
            else
            {
                withIdentities.Add(result);
            }
        }

        return withIdentities;
    }

    private async Task<IReadOnlyList<ZendeskBulkItemResult>> UpsertSinglyAsync(ZendeskUserUpsert[] chunk, int offset, CancellationToken cancellationToken)
    {
        var results = new List<ZendeskBulkItemResult>(chunk.Length);
        for (var i = 0; i < chunk.Length; i++)
        {
            var outcome = await UpsertAsync(chunk[i], cancellationToken).ConfigureAwait(false);
            var user = outcome.User;
            results.Add(new ZendeskBulkItemResult(
                offset + i,
                user.Value?.Id ?? chunk[i].Existing?.Id,
                chunk[i].User.ExternalId,
                user.Succeeded ? (user.Created ? "create" : "update") : null,
                user.Error ?? outcome.IdentityError,
                null));
        }

        return results;
    }

    private static bool EmailChanged(ZendeskUserUpsert upsert) =>
        upsert.Existing is not null
        && !string.IsNullOrWhiteSpace(upsert.User.Email)
        && !string.Equals(upsert.Existing.Email, upsert.User.Email, StringComparison.OrdinalIgnoreCase);

    private static void Validate(ZendeskUserUpsert upsert)
    {
        if (string.IsNullOrWhiteSpace(upsert.User.Name))
        {
            throw new ArgumentException($"User '{upsert.User.ExternalId}' has no name; Zendesk requires one.", nameof(upsert));
        }

        if (upsert.Existing is null && string.IsNullOrWhiteSpace(upsert.User.ExternalId) && string.IsNullOrWhiteSpace(upsert.User.Email))
        {
            throw new ArgumentException("A new user needs an ExternalId or an Email: create_or_update matches users by them.", nameof(upsert));
        }
    }

    /// <summary>The JSON of one user in create_or_update(_many): id and no email for an existing user.</summary>
    internal sealed record UserBody(
        long? Id,
        string Name,
        string? ExternalId,
        string? Email,
        long? OrganizationId,
        string? Role,
        string? Phone,
        IReadOnlyList<string>? Tags,
        bool? SkipVerifyEmail)
    {
        public static UserBody From(ZendeskUserUpsert u) => new(
            u.Existing?.Id,
            u.User.Name,
            u.User.ExternalId,
            u.Existing is null ? u.User.Email : null,
            u.User.OrganizationId,
            u.User.Role,
            u.User.Phone,
            u.User.Tags,
            u.Existing is null && u.User.SkipVerifyEmail ? true : null);
    }

    private sealed record IdentityBody(string Type, string Value, bool? SkipVerifyEmail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Zendesk {Subdomain} refused bulk user import (403); using single create_or_update calls for this "
        + "account")]
    private static partial void LogBulkRefused(ILogger logger, string subdomain);

    [LoggerMessage(Level = LogLevel.Information, Message = "Zendesk {Subdomain} user {UserId} got email identity {IdentityId}")]
    private static partial void LogIdentityAdded(ILogger logger, string subdomain, long userId, long identityId);
}
