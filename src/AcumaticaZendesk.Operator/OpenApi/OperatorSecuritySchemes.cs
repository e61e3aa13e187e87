using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace AcumaticaZendesk.Operator.OpenApi;

/// <summary>
/// The operator document's <c>securitySchemes</c>, as the API authenticates: the API key in <c>X-Api-Key</c> (also
/// accepted as <c>Authorization: ApiKey &lt;key&gt;</c>), and a JWT bearer token when <c>Operator:Jwt:Authority</c> is
/// set. Either one satisfies every operation; the OAuth callback, which its one-time state authenticates, needs none.
/// </summary>
internal sealed class OperatorSecuritySchemes : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string ApiKey = "ApiKey";
    public const string Bearer = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(context);
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[ApiKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-Api-Key",
            Description = "An operator API key (also accepted as 'Authorization: ApiKey <key>'). Unscoped keys see every tenant; a key " +
                "configured with a tenant sees only that tenant. docs/operator-api.md, Authentication.",
        };
        document.Security = [Requirement(ApiKey, document)];

        var jwt = context.ApplicationServices.GetRequiredService<IOptions<OperatorOptions>>().Value.Jwt;
        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = $"A token from {jwt.Authority} for audience '{jwt.Audience}': role '{jwt.AdminRole}' sees every tenant, " +
                    $"claim '{jwt.TenantClaim}' lists the tenants it may see.",
            };
            document.Security.Add(Requirement(Bearer, document));
        }

        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [];
        }

        return Task.CompletedTask;
    }

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };
}
