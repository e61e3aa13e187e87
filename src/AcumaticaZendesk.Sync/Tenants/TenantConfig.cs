using System.Text.Json.Serialization;
using AcumaticaZendesk.Sync.Json;
using AcumaticaZendesk.Sync.Ports;

namespace AcumaticaZendesk.Sync.Tenants;

/// <summary>One Acumatica company paired with one Zendesk account; holds no secrets (tokens: <see cref="Credentials.TenantTokenStore"/>).</summary>
public sealed record TenantConfig
{
    /// <summary>Lower-case id used in state keys and workflow instance ids (<c>[a-z0-9-]</c>, ≤ 63).</summary>
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    public required AcumaticaSettings Acumatica { get; init; }

    public required ZendeskSettings Zendesk { get; init; }

    /// <summary>Sync schedule: <c>@every 15m</c> style or a 5/6-field cron expression; null = every cron tick.</summary>
    public string? Schedule { get; init; }

    /// <summary>Kinds to sync; a run reads them in <see cref="SyncStages"/> order, whatever the order here.</summary>
    public IReadOnlyList<EntityKind> EntityKinds { get; init; } =
        [EntityKind.Customer, EntityKind.Vendor, EntityKind.Contact, EntityKind.Employee];

    public MappingOptions Mapping { get; init; } = new();

    public OnboardingPolicy Onboarding { get; init; } = OnboardingPolicy.Adopt;

    public bool Paused { get; init; }

    /// <summary>Alert channels and triggers; null = no alerts (docs/alerts.md).</summary>
    public Alerts.AlertSettings? Alerts { get; init; }

    /// <summary>Set when a token was rejected and could not be refreshed; cleared by a new authorization.</summary>
    public AuthorizationState? Authorization { get; init; }

    /// <summary>True when a cron tick should start a run for this tenant.</summary>
    [JsonIgnore]
    public bool IsRunnable => !Paused && Authorization is not { NeedsAuthorization: true };

    public bool IsEnabled(EntityKind kind) => EntityKinds.Contains(kind);
}

public sealed record AcumaticaSettings
{
    /// <summary>Site URL including the instance path, e.g. <c>https://erp.example.com/AcumaticaERP</c>.</summary>
    public required string InstanceUrl { get; init; }

    public string EndpointName { get; init; } = "Default";

    /// <summary>Contract endpoint version, <c>NN.NNN.NNN</c> (e.g. <c>24.200.001</c>).</summary>
    public required string EndpointVersion { get; init; }

    /// <summary>Acumatica tenant (company) login name.</summary>
    public required string Company { get; init; }

    public string? Branch { get; init; }

    public AcumaticaSignIn AuthMode { get; init; } = AcumaticaSignIn.Oauth;
}

[JsonConverter(typeof(KebabEnumConverter<AcumaticaSignIn>))]
public enum AcumaticaSignIn
{
    /// <summary>OAuth 2.0 authorization code + refresh token (preferred).</summary>
    Oauth,

    /// <summary>Legacy cookie sign-in with user name and password from the secret store.</summary>
    Cookie,
}

public sealed record ZendeskSettings
{
    /// <summary>The <c>{subdomain}</c> of <c>https://{subdomain}.zendesk.com</c>.</summary>
    public required string Subdomain { get; init; }

    /// <summary>Overrides <c>https://{subdomain}.zendesk.com</c> (sandbox, tests).</summary>
    public string? BaseUrl { get; init; }

    [JsonIgnore]
    public Uri EffectiveBaseUrl => new(BaseUrl ?? $"https://{Subdomain}.zendesk.com");
}

/// <summary>What a tenant's first load does with organizations and users that already exist in Zendesk.</summary>
[JsonConverter(typeof(KebabEnumConverter<OnboardingPolicy>))]
public enum OnboardingPolicy
{
    /// <summary>Stamp our external_id on an unambiguous match instead of creating a twin (default).</summary>
    Adopt,

    /// <summary>Never touch existing records: create ours; a clash fails the record.</summary>
    CreateOnly,

    /// <summary>List matches for the operator and skip those records; unmatched records are created.</summary>
    ReportOnly,
}

[JsonConverter(typeof(KebabEnumConverter<ConnectedSystem>))]
public enum ConnectedSystem
{
    Acumatica,
    Zendesk,
}

/// <summary>Why a tenant waits for an operator to authorize it again.</summary>
public sealed record AuthorizationState(bool NeedsAuthorization, ConnectedSystem System, string Reason, DateTimeOffset Since);

/// <summary>Per-tenant mapping options.</summary>
public sealed record MappingOptions
{
    /// <summary>Extra organization field mappings (source → <c>organization_fields.key</c>, <c>tags</c>, <c>notes</c>, <c>details</c>).</summary>
    public IReadOnlyList<FieldMapping> Organization { get; init; } = [];

    /// <summary>Extra user field mappings (source → <c>user_fields.key</c>, <c>tags</c>, <c>notes</c>, <c>details</c>).</summary>
    public IReadOnlyList<FieldMapping> User { get; init; } = [];

    /// <summary>Copy the Acumatica record note into Zendesk <c>notes</c>.</summary>
    public bool IncludeNotes { get; init; } = true;

    /// <summary>Derive <c>domain_names</c> from the account's e-mail and web site.</summary>
    public bool IncludeDomainNames { get; init; } = true;

    public EmployeeOrganizationOptions EmployeeOrganization { get; init; } = new();

    /// <summary>Zendesk role for synced users: <c>end-user</c> (default) or <c>agent</c>.</summary>
    public string UserRole { get; init; } = "end-user";

    /// <summary>When a contact's e-mail changes, make the new identity primary (default: add it as secondary).</summary>
    public bool MakeNewEmailPrimary { get; init; }
}

/// <summary>An Acumatica source (<c>name</c>, <c>attribute:INDUSTRY</c>, …) to a Zendesk target; a tag gets <see cref="TagPrefix"/> when given.</summary>
public sealed record FieldMapping(string Source, string Target, string? TagPrefix = null);

public sealed record EmployeeOrganizationOptions
{
    /// <summary>Put employees into the tenant's own organization (false: no organization).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>external_id of the own organization; default <c>acu-company:{company}</c>.</summary>
    public string? ExternalId { get; init; }

    /// <summary>Name of the own organization; default the tenant's display name.</summary>
    public string? Name { get; init; }
}
