namespace AcumaticaZendesk.Zendesk;

/// <summary>A user as Zendesk returns it.</summary>
public sealed record ZendeskUser
{
    public long Id { get; init; }

    public string Name { get; init; } = "";

    /// <summary>The primary email.</summary>
    public string? Email { get; init; }

    public string? ExternalId { get; init; }

    public long? OrganizationId { get; init; }

    /// <summary><c>end-user</c>, <c>agent</c> or <c>admin</c>.</summary>
    public string? Role { get; init; }

    public string? Phone { get; init; }

    public bool? Active { get; init; }

    public bool? Verified { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>
/// The fields the connector writes to a user. <see cref="Email"/> is sent only when the user is created:
/// Zendesk treats an email on an update as an extra identity, so changes go through the identities API
/// (<see cref="Users.ZendeskUsersClient.UpsertAsync"/> does this).
/// </summary>
public sealed record ZendeskUserWrite
{
    public required string Name { get; init; }

    /// <summary>The connector's stable key (e.g. the Acumatica contact id); case-insensitive in Zendesk.</summary>
    public string? ExternalId { get; init; }

    public string? Email { get; init; }

    public long? OrganizationId { get; init; }

    /// <summary><c>end-user</c> (default), <c>agent</c> or <c>admin</c>.</summary>
    public string? Role { get; init; }

    public string? Phone { get; init; }

    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Do not send Zendesk's verification email for a created user or added identity.</summary>
    public bool SkipVerifyEmail { get; init; } = true;
}

/// <summary>
/// One user to create or update. <paramref name="Existing"/> is the user already found in Zendesk (by
/// external_id or email), or null to create. When the email of an existing user differs, a secondary email
/// identity is added, made primary only when <paramref name="MakeEmailPrimary"/> says so.
/// </summary>
public sealed record ZendeskUserUpsert(ZendeskUserWrite User, ZendeskUser? Existing = null, bool MakeEmailPrimary = false);

/// <summary>One identity (email, phone, …) of a user.</summary>
public sealed record ZendeskUserIdentity
{
    public long Id { get; init; }

    public long UserId { get; init; }

    public string Type { get; init; } = "";

    public string Value { get; init; } = "";

    public bool Primary { get; init; }

    public bool? Verified { get; init; }
}

/// <summary>The outcome of <see cref="Users.ZendeskUsersClient.UpsertAsync"/>.</summary>
/// <param name="User">The user write's result.</param>
/// <param name="AddedIdentity">The email identity added (or found and made primary) for a changed email.</param>
/// <param name="IdentityError">Why the changed email could not be added, when the user write itself succeeded.</param>
public sealed record ZendeskUserUpsertResult(
    ZendeskRecordResult<ZendeskUser> User,
    ZendeskUserIdentity? AddedIdentity = null,
    ZendeskRecordError? IdentityError = null);
