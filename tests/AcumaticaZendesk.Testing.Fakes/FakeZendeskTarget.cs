using AcumaticaZendesk.Sync.Mapping;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.Tenants;

namespace AcumaticaZendesk.Testing.Fakes;

/// <summary>
/// A Zendesk account in memory with the rules the engine relies on (api-facts.md): organization names and
/// external_ids unique (case-insensitive) → 422 DuplicateValue; users' e-mails unique; create_or_update
/// for users matches by external_id or e-mail; batches over 100 are refused. Like Zendesk, it applies each
/// request whole before the next (one lock): pipelined pages call it from several threads at once.
/// </summary>
public sealed class FakeZendeskTarget : IZendeskTarget
{
    private readonly object _gate = new();
    private long _nextId = 1000;

    public Dictionary<long, Org> Organizations { get; } = [];

    public Dictionary<long, User> Users { get; } = [];

    public int OrganizationCreates { get; private set; }

    /// <summary>Creates of the tenant's own organization (external_id <c>acu-company:…</c>), which rides along with the last customer page.</summary>
    public int OwnOrganizationCreates { get; private set; }

    private static bool IsOwnOrganization(string? externalId) => externalId?.StartsWith("acu-company:", StringComparison.OrdinalIgnoreCase) == true;

    public int OrganizationUpdates { get; private set; }

    public int UserWrites { get; private set; }

    public int IdentityAdds { get; private set; }

    /// <summary>Names looked up one by one (each a request in Zendesk).</summary>
    public int NameSearches { get; private set; }

    /// <summary>E-mails looked up one by one (each a request in Zendesk).</summary>
    public int EmailSearches { get; private set; }

    public int OrganizationListings { get; private set; }

    public int UserListings { get; private set; }

    public int Writes => OrganizationCreates + OrganizationUpdates + UserWrites + IdentityAdds;

    public sealed class Org
    {
        public long Id { get; init; }

        public required string Name { get; set; }

        public string? ExternalId { get; set; }

        public List<string> DomainNames { get; set; } = [];

        public List<string> Tags { get; set; } = [];

        public string? Notes { get; set; }

        public Dictionary<string, string> Fields { get; set; } = [];
    }

    public sealed class User
    {
        public long Id { get; init; }

        public required string Name { get; set; }

        public string? ExternalId { get; set; }

        public List<string> Emails { get; } = [];

        public string? Primary => Emails.FirstOrDefault();

        public long? OrganizationId { get; set; }

        public string Role { get; set; } = "end-user";

        public string? Phone { get; set; }
    }

    public Org AddHandMadeOrganization(string name, params string[] domains)
    {
        var org = new Org { Id = _nextId++, Name = name, DomainNames = [.. domains] };
        Organizations[org.Id] = org;
        return org;
    }

    public User AddHandMadeUser(string name, string email, string? externalId = null)
    {
        var user = new User { Id = _nextId++, Name = name, ExternalId = externalId };
        user.Emails.Add(email);
        Users[user.Id] = user;
        return user;
    }

    public Org OrgByExternalId(string externalId) =>
        Organizations.Values.Single(o => string.Equals(o.ExternalId, externalId, StringComparison.OrdinalIgnoreCase));

    public User UserByExternalId(string externalId) =>
        Users.Values.Single(u => string.Equals(u.ExternalId, externalId, StringComparison.OrdinalIgnoreCase));

    /// <summary>The external_ids of every <c>show_many</c> lookup of organizations, one entry per call.</summary>
    public List<string[]> OrganizationLookups { get; } = [];

    public Task<IReadOnlyList<TargetOrganization>> FindOrganizationsByExternalIdsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> externalIds,
        CancellationToken cancellationToken)
    {
        lock (OrganizationLookups)
        {
            OrganizationLookups.Add([.. externalIds]);
        }

        return Orgs(o => o.ExternalId is not null && externalIds.Contains(o.ExternalId, StringComparer.OrdinalIgnoreCase), externalIds.Count);
    }

    public Task<IReadOnlyList<TargetOrganization>> FindOrganizationsByNamesAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> names,
        CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            NameSearches += names.Count;
        }

        return Orgs(o => names.Any(n => SameName(n, o.Name)), names.Count);
    }

    public Task<IReadOnlyList<TargetOrganization>> ListOrganizationsAsync(TenantConfig tenant, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            OrganizationListings++;
            return Orgs(_ => true, 0);
        }
    }

    public async Task<IReadOnlyList<TargetUser>?> ListUsersAsync(TenantConfig tenant, int limit, CancellationToken cancellationToken)
    {
        Task<IReadOnlyList<TargetUser>>? users;
        lock (_gate)
        {
            UserListings++;
            users = Users.Count > limit ? null : UsersWhere(_ => true, 0);
        }

        return users is null ? null : await users;
    }

    public Task<IReadOnlyList<TargetUser>> FindUsersByExternalIdsAsync(
        TenantConfig tenant,
        IReadOnlyCollection<string> externalIds,
        CancellationToken cancellationToken) =>
        UsersWhere(u => u.ExternalId is not null && externalIds.Contains(u.ExternalId, StringComparer.OrdinalIgnoreCase), externalIds.Count);

    public Task<IReadOnlyList<TargetUser>> FindUsersByEmailsAsync(TenantConfig tenant, IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            EmailSearches += emails.Count;
        }

        return UsersWhere(u => u.Emails.Intersect(emails, StringComparer.OrdinalIgnoreCase).Any(), emails.Count);
    }

    /// <summary>Awaited before a create_many is applied (lets a test hold a job in flight).</summary>
    public Func<IReadOnlyList<OrganizationPayload>, Task>? BeforeOrganizationCreates { get; set; }

    /// <summary>Awaited before an update_many is applied.</summary>
    public Func<IReadOnlyList<OrganizationUpdate>, Task>? BeforeOrganizationUpdates { get; set; }

    public async Task<IReadOnlyList<WriteResult>> CreateOrganizationsAsync(
        TenantConfig tenant,
        IReadOnlyList<OrganizationPayload> organizations,
        CancellationToken cancellationToken)
    {
        if (BeforeOrganizationCreates is { } hold)
        {
            await hold(organizations);
        }

        lock (_gate)
        {
            return CreateOrganizationsNow(organizations);
        }
    }

    public async Task<IReadOnlyList<WriteResult>> UpdateOrganizationsAsync(
        TenantConfig tenant,
        IReadOnlyList<OrganizationUpdate> updates,
        CancellationToken cancellationToken)
    {
        if (BeforeOrganizationUpdates is { } hold)
        {
            await hold(updates);
        }

        lock (_gate)
        {
            return UpdateOrganizationsNow(updates);
        }
    }

    private IReadOnlyList<WriteResult> CreateOrganizationsNow(IReadOnlyList<OrganizationPayload> organizations)
    {
        CheckBatch(organizations.Count);
        OrganizationCreates += organizations.Count;
        OwnOrganizationCreates += organizations.Count(o => IsOwnOrganization(o.ExternalId));
        return organizations.Select((payload, index) =>
        {
            if ((NameTaken(payload.Name, null) ?? ExternalIdTaken(payload.ExternalId, null)) is { } error)
            {
                return new WriteResult(index, null, error);
            }

            var org = new Org { Id = _nextId++, Name = payload.Name };
            Apply(org, payload);
            Organizations[org.Id] = org;
            return new WriteResult(index, org.Id, null);
        }).ToArray();
    }

    private IReadOnlyList<WriteResult> UpdateOrganizationsNow(IReadOnlyList<OrganizationUpdate> updates)
    {
        CheckBatch(updates.Count);
        OrganizationUpdates += updates.Count;
        return updates.Select((update, index) =>
        {
            if (!Organizations.TryGetValue(update.Id, out var org))
            {
                return new WriteResult(index, null, new WriteError(WriteErrorKind.NotFound, "RecordNotFound", "Not found"));
            }

            if (NameTaken(update.Organization.Name, update.Id) is { } error)
            {
                return new WriteResult(index, null, error);
            }

            Apply(org, update.Organization);
            return new WriteResult(index, org.Id, null);
        }).ToArray();
    }

    /// <summary>Awaited before a users' create_or_update_many is applied.</summary>
    public Func<IReadOnlyList<UserWrite>, Task>? BeforeUserWrites { get; set; }

    public async Task<IReadOnlyList<WriteResult>> CreateOrUpdateUsersAsync(
        TenantConfig tenant,
        IReadOnlyList<UserWrite> users,
        CancellationToken cancellationToken)
    {
        if (BeforeUserWrites is { } hold)
        {
            await hold(users);
        }

        lock (_gate)
        {
            return CreateOrUpdateUsersNow(users);
        }
    }

    private IReadOnlyList<WriteResult> CreateOrUpdateUsersNow(IReadOnlyList<UserWrite> users)
    {
        CheckBatch(users.Count);
        UserWrites += users.Count;
        return users.Select((write, index) =>
        {
            var payload = write.User;
            var user = write.Id is { } id
                ? Users.GetValueOrDefault(id)
                : Users.Values.FirstOrDefault(u => string.Equals(u.ExternalId, payload.ExternalId, StringComparison.OrdinalIgnoreCase))
                  ?? Users.Values.FirstOrDefault(u => payload.Email is not null && u.Emails.Contains(payload.Email, StringComparer.OrdinalIgnoreCase));
            if (write.Id is not null && user is null)
            {
                return new WriteResult(index, null, new WriteError(WriteErrorKind.NotFound, "RecordNotFound", "Not found"));
            }

            if (user is null)
            {
                user = new User { Id = _nextId++, Name = payload.Name };
                if (payload.Email is not null)
                {
                    user.Emails.Add(payload.Email);
                }

                Users[user.Id] = user;
            }
            else if (payload.Email is not null && !user.Emails.Contains(payload.Email, StringComparer.OrdinalIgnoreCase))
            {
                user.Emails.Add(payload.Email);
            }

            user.Name = payload.Name;
            user.ExternalId = payload.ExternalId;
            user.OrganizationId = payload.OrganizationId;
            user.Role = payload.Role;
            user.Phone = payload.Phone;
            return new WriteResult(index, user.Id, null);
        }).ToArray();
    }

    public Task<WriteResult> AddEmailIdentityAsync(TenantConfig tenant, long userId, string email, bool makePrimary, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(AddEmailIdentityNow(userId, email, makePrimary));
        }
    }

    private WriteResult AddEmailIdentityNow(long userId, string email, bool makePrimary)
    {
        IdentityAdds++;
        if (Users.Values.Any(u => u.Id != userId && u.Emails.Contains(email, StringComparer.OrdinalIgnoreCase)))
        {
            return new WriteResult(
                0,
                null,
                new WriteError(WriteErrorKind.DuplicateValue, "DuplicateValue", $"Email: {email} is already being used by another user", "email"));
        }

        var user = Users[userId];
        user.Emails.RemoveAll(e => string.Equals(e, email, StringComparison.OrdinalIgnoreCase));
        if (makePrimary)
        {
            user.Emails.Insert(0, email);
        }
        else
        {
            user.Emails.Add(email);
        }

        return new WriteResult(0, userId, null);
    }

    private static void Apply(Org org, OrganizationPayload payload)
    {
        org.Name = payload.Name;
        org.ExternalId = payload.ExternalId;
        org.DomainNames = [.. payload.DomainNames];
        org.Tags = [.. payload.Tags];
        org.Notes = payload.Notes;
        org.Fields = payload.OrganizationFields.ToDictionary();
    }

    private WriteError? NameTaken(string name, long? self) =>
        Organizations.Values.Any(o => o.Id != self && SameName(o.Name, name))
            ? new WriteError(WriteErrorKind.DuplicateValue, "DuplicateValue", $"Name: {name} has already been taken", "name")
            : null;

    private WriteError? ExternalIdTaken(string externalId, long? self) =>
        Organizations.Values.Any(o => o.Id != self && string.Equals(o.ExternalId, externalId, StringComparison.OrdinalIgnoreCase))
            ? new WriteError(WriteErrorKind.DuplicateValue, "DuplicateValue", "External: has already been taken", "external_id")
            : null;

    /// <summary>Zendesk compares organization names case-insensitively and ignoring surrounding blanks.</summary>
    private static bool SameName(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private Task<IReadOnlyList<TargetOrganization>> Orgs(Func<Org, bool> predicate, int requested)
    {
        CheckBatch(requested);
        lock (_gate)
        {
            IReadOnlyList<TargetOrganization> found = Organizations.Values.Where(predicate)
                .Select(o => new TargetOrganization(o.Id, o.Name, o.ExternalId, o.DomainNames.ToArray())).ToArray();
            return Task.FromResult(found);
        }
    }

    private Task<IReadOnlyList<TargetUser>> UsersWhere(Func<User, bool> predicate, int requested)
    {
        CheckBatch(requested);
        lock (_gate)
        {
            IReadOnlyList<TargetUser> found = Users.Values.Where(predicate)
                .Select(u => new TargetUser(u.Id, u.Name, u.ExternalId, u.Primary, u.OrganizationId)).ToArray();
            return Task.FromResult(found);
        }
    }

    private static void CheckBatch(int count)
    {
        if (count > IZendeskTarget.MaxBatch)
        {
            throw new InvalidOperationException($"Batch of {count} exceeds the Zendesk limit of 100.");
        }
    }
}
