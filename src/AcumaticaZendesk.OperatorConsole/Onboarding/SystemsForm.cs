using AcumaticaZendesk.Sync.Tenants;
using Microsoft.AspNetCore.Http;

namespace AcumaticaZendesk.OperatorConsole.Onboarding;

/// <summary>The first step's fields: the tenant's name and where its two systems are.</summary>
public sealed class SystemsForm
{
    public string? Id { get; init; }

    public string? DisplayName { get; init; }

    public string? InstanceUrl { get; init; }

    public string? EndpointVersion { get; init; }

    public string? Company { get; init; }

    public string? Subdomain { get; init; }

    public string? ZendeskBaseUrl { get; init; }

    public static SystemsForm Read(HttpContext context) => new()
    {
        Id = PostedForm.Field(context, "id"),
        DisplayName = PostedForm.Field(context, "displayName"),
        InstanceUrl = PostedForm.Field(context, "instanceUrl"),
        EndpointVersion = PostedForm.Field(context, "endpointVersion"),
        Company = PostedForm.Field(context, "company"),
        Subdomain = PostedForm.Field(context, "subdomain"),
        ZendeskBaseUrl = PostedForm.Field(context, "zendeskBaseUrl"),
    };

    /// <summary>A new tenant with these systems and the defaults of everything else; paused until the wizard's last step.</summary>
    public TenantConfig ToConfig(string endpointVersion) => new()
    {
        Id = Id ?? string.Empty,
        DisplayName = DisplayName ?? string.Empty,
        Acumatica = new AcumaticaSettings { InstanceUrl = InstanceUrl ?? string.Empty, EndpointVersion = endpointVersion, Company = Company ?? string.Empty },
        Zendesk = new ZendeskSettings { Subdomain = Subdomain ?? string.Empty, BaseUrl = ZendeskBaseUrl },
        Paused = true,
    };
}
