using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AcumaticaZendesk.Sync.Mapping;
using Cronos;

namespace AcumaticaZendesk.Sync.Tenants;

/// <summary>One problem in a tenant configuration: the JSON path of the field and why it is wrong.</summary>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>Thrown when a tenant configuration is invalid; carries every error found.</summary>
public sealed class TenantValidationException(string tenantId, IReadOnlyList<ValidationError> errors)
    : Exception($"Tenant '{tenantId}' is invalid: {string.Join("; ", errors)}")
{
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}

/// <summary>Validates a <see cref="TenantConfig"/>; every error names its JSON path (e.g. <c>mapping.organization[2].source</c>) and why.</summary>
public static partial class TenantValidator
{
    public const int MaxDisplayNameLength = 200;

    /// <summary>Longest URL accepted (instance URL, Zendesk base URL).</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>Longest schedule interval accepted by <c>@every</c> (a year).</summary>
    public static readonly TimeSpan MaxEvery = TimeSpan.FromDays(366);

    public static readonly IReadOnlySet<string> UserRoles = new HashSet<string>(StringComparer.Ordinal) { "end-user", "agent" };

    public static IReadOnlyList<ValidationError> Validate(TenantConfig tenant, string pathPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var errors = new List<ValidationError>();
        void Add(string path, string message) => errors.Add(new(pathPrefix + path, message));

        if (!TenantIds.IsValid(tenant.Id))
        {
            Add("id", "must be " + TenantIds.Rule);
        }

        if (string.IsNullOrWhiteSpace(tenant.DisplayName))
        {
            Add("displayName", "is required");
        }
        else if (tenant.DisplayName.Length > MaxDisplayNameLength)
        {
            Add("displayName", $"must be at most {MaxDisplayNameLength} characters (was {tenant.DisplayName.Length})");
        }

        ValidateAcumatica(tenant.Acumatica, Add);
        ValidateZendesk(tenant.Zendesk, Add);

        if (tenant.Schedule is not null && CheckSchedule(tenant.Schedule) is { } scheduleError)
        {
            Add("schedule", scheduleError);
        }

        if (tenant.EntityKinds is null || tenant.EntityKinds.Count == 0)
        {
            Add("entityKinds", "must list at least one of customer, vendor, contact, employee");
        }
        else
        {
            for (var i = 0; i < tenant.EntityKinds.Count; i++)
            {
                if (!Enum.IsDefined(tenant.EntityKinds[i]) || tenant.EntityKinds[i] == Ports.EntityKind.Ticket)
                {
                    Add($"entityKinds[{i}]", $"unknown entity kind '{tenant.EntityKinds[i]}'");
                }
                else if (tenant.EntityKinds.Take(i).Contains(tenant.EntityKinds[i]))
                {
                    Add($"entityKinds[{i}]", $"'{tenant.EntityKinds[i]}' is listed twice");
                }
            }
        }

        ValidateMapping(tenant.Mapping, Add);

        if (!Enum.IsDefined(tenant.Onboarding))
        {
            Add("onboarding", "must be adopt, create-only or report-only");
        }

        Alerts.AlertSettingsValidator.Validate(tenant.Alerts, tenant.Id, Add);

        if (tenant.Authorization is { NeedsAuthorization: true, Reason: var reason } && string.IsNullOrWhiteSpace(reason))
        {
            Add("authorization.reason", "is required when needsAuthorization is true");
        }

        return errors;
    }

    /// <summary>Validates and throws <see cref="TenantValidationException"/> listing every error.</summary>
    public static void ThrowIfInvalid(TenantConfig tenant)
    {
        var errors = Validate(tenant);
        if (errors.Count > 0)
        {
            throw new TenantValidationException(tenant.Id, errors);
        }
    }

    private static void ValidateAcumatica(AcumaticaSettings? acumatica, Action<string, string> add)
    {
        if (acumatica is null)
        {
            add("acumatica", "is required");
            return;
        }

        if (CheckUrl(acumatica.InstanceUrl) is { } urlError)
        {
            add("acumatica.instanceUrl", urlError);
        }

        if (string.IsNullOrWhiteSpace(acumatica.EndpointName) || !EndpointNameRegex().IsMatch(acumatica.EndpointName))
        {
            add("acumatica.endpointName", "must be an endpoint name such as 'Default' (letters, digits, '_')");
        }

        if (string.IsNullOrWhiteSpace(acumatica.EndpointVersion) || !EndpointVersionRegex().IsMatch(acumatica.EndpointVersion))
        {
            add("acumatica.endpointVersion", $"'{acumatica.EndpointVersion}' is not an endpoint version; expected NN.NNN.NNN such as 24.200.001");
        }

        if (string.IsNullOrWhiteSpace(acumatica.Company))
        {
            add("acumatica.company", "is required (the Acumatica tenant login name)");
        }

        if (acumatica.Branch is not null && string.IsNullOrWhiteSpace(acumatica.Branch))
        {
            add("acumatica.branch", "must be omitted or a branch id, not blank");
        }

        if (!Enum.IsDefined(acumatica.AuthMode))
        {
            add("acumatica.authMode", "must be oauth or cookie");
        }
    }

    private static void ValidateZendesk(ZendeskSettings? zendesk, Action<string, string> add)
    {
        if (zendesk is null)
        {
            add("zendesk", "is required");
            return;
        }

        if (string.IsNullOrWhiteSpace(zendesk.Subdomain) || !SubdomainRegex().IsMatch(zendesk.Subdomain))
        {
            add("zendesk.subdomain", $"'{zendesk.Subdomain}' is not a Zendesk subdomain (the 'acme' of acme.zendesk.com: lower-case letters, digits, '-')");
        }

        if (zendesk.BaseUrl is not null && CheckUrl(zendesk.BaseUrl) is { } urlError)
        {
            add("zendesk.baseUrl", urlError);
        }
    }

    private static void ValidateMapping(MappingOptions? mapping, Action<string, string> add)
    {
        if (mapping is null)
        {
            add("mapping", "is required");
            return;
        }

        ValidateFieldMappings(mapping.Organization, MappingSide.Organization, "mapping.organization", add);
        ValidateFieldMappings(mapping.User, MappingSide.User, "mapping.user", add);

        if (!UserRoles.Contains(mapping.UserRole ?? string.Empty))
        {
            add("mapping.userRole", $"'{mapping.UserRole}' is not a role synced users can get; use end-user or agent");
        }

        if (mapping.EmployeeOrganization is { ExternalId: { } externalId } && !ExternalIdRegex().IsMatch(externalId))
        {
            add("mapping.employeeOrganization.externalId", "must be 1-255 printable characters without spaces or commas");
        }

        if (mapping.EmployeeOrganization is { Name: { } name } && string.IsNullOrWhiteSpace(name))
        {
            add("mapping.employeeOrganization.name", "must be omitted or a non-blank organization name");
        }
    }

    private static void ValidateFieldMappings(IReadOnlyList<FieldMapping>? mappings, MappingSide side, string path, Action<string, string> add)
    {
        if (mappings is null)
        {
            return;
        }

        for (var i = 0; i < mappings.Count; i++)
        {
            var mapping = mappings[i];
            if (MappingCatalog.CheckSource(mapping.Source, side) is { } sourceError)
            {
                add($"{path}[{i}].source", sourceError);
            }

            if (MappingCatalog.CheckTarget(mapping.Target, side) is { } targetError)
            {
                add($"{path}[{i}].target", targetError);
            }
            else if (mapping.Target != "tags" && mappings.Take(i).Any(m => m.Target == mapping.Target))
            {
                add($"{path}[{i}].target", $"'{mapping.Target}' is already the target of an earlier mapping");
            }

            if (mapping.TagPrefix is not null && (mapping.Target != "tags" || !TagPrefixRegex().IsMatch(mapping.TagPrefix)))
            {
                add($"{path}[{i}].tagPrefix", "is only allowed with target 'tags' and must be lower-case letters, digits or '_'");
            }
        }
    }

    /// <summary>Why a URL is not acceptable for an API base, or null when it is.</summary>
    public static string? CheckUrl(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "is required";
        }

        if (value.Length > MaxUrlLength)
        {
            return $"must be at most {MaxUrlLength} characters";
        }

        // The value itself is never repeated: it may carry credentials (ftp://user:password@…).
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "is not an absolute http(s) URL such as https://erp.example.com/AcumaticaERP";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not carry credentials (user:password@); put secrets in the secret store";
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "must not have a query string or fragment";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            return $"http is only allowed for localhost/loopback; use https for '{uri.Host}'";
        }

        return null;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Why a schedule is not understood, or null when it is.</summary>
    public static string? CheckSchedule(string schedule)
    {
        if (schedule.Length > 100)
        {
            return "must be at most 100 characters ('@every <n>s|m|h' or a 5/6-field cron expression)";
        }

        var match = EveryRegex().Match(schedule.Trim());
        if (match.Success)
        {
            var unit = match.Groups[2].Value switch { "s" => TimeSpan.FromSeconds(1), "m" => TimeSpan.FromMinutes(1), _ => TimeSpan.FromHours(1) };
            var tooLong = $"'@every' must be at most {MaxEvery.TotalHours:0}h";
            if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > MaxEvery.Ticks / unit.Ticks)
            {
                return tooLong;
            }

            return amount <= 0 ? "'@every' needs a positive duration" : null;
        }

        var fields = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            return $"'{schedule}' is neither '@every <n>s|m|h' nor a 5/6-field cron expression";
        }

        try
        {
            _ = CronExpression.Parse(schedule, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return null;
        }
        catch (CronFormatException ex)
        {
            return $"'{schedule}' is not a valid cron expression: {ex.Message}";
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}\\z")]
    private static partial Regex EndpointNameRegex();

    [GeneratedRegex(@"^\d{2}\.\d{3}\.\d{3}\z")]
    private static partial Regex EndpointVersionRegex();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}\\z")]
    private static partial Regex SubdomainRegex();

    [GeneratedRegex("^[^\\s,]{1,255}\\z")]
    private static partial Regex ExternalIdRegex();

    [GeneratedRegex("^[a-z0-9_]{1,40}\\z")]
    private static partial Regex TagPrefixRegex();

    [GeneratedRegex(@"^@every\s+(\d+)(s|m|h)\z")]
    private static partial Regex EveryRegex();
}
