using AcumaticaZendesk.Acumatica;
using AcumaticaZendesk.Connectors.Gate;
using AcumaticaZendesk.Operator.Actions;
using AcumaticaZendesk.Operator.Auth;
using AcumaticaZendesk.Operator.Checks;
using AcumaticaZendesk.Operator.Connect;
using AcumaticaZendesk.Operator.Endpoints;
using AcumaticaZendesk.Operator.OpenApi;
using AcumaticaZendesk.Operator.Ports;
using AcumaticaZendesk.Sync;
using AcumaticaZendesk.Sync.Ports;
using AcumaticaZendesk.Sync.State;
using AcumaticaZendesk.Sync.Tenants;
using AcumaticaZendesk.Zendesk;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AcumaticaZendesk.Operator;

/// <summary>
/// The operator API: <c>services.AddOperatorApi(configuration)</c> and <c>endpoints.MapOperatorApi()</c>.
/// Every route is under <see cref="RoutePrefix"/> and needs an API key or a bearer token (policy <see cref="PolicyName"/>),
/// except the OAuth callback, which the one-time state authenticates. See docs/operator-api.md.
/// </summary>
public static class OperatorApi
{
    public const string RoutePrefix = "/operator/v1";
    public const string PolicyName = "Operator";
    public const string DocumentName = "operator";

    /// <summary>
    /// Registers the operator API: authentication (API keys from the secret store; JWT bearer when
    /// <c>Operator:Jwt:Authority</c> is set), the policy, the services behind the endpoints, the Acumatica OAuth and
    /// connectivity probe, the Zendesk OAuth flow, the reconcile source and the OpenAPI document <c>operator</c>. It
    /// registers nothing of the core or the connectors: the host does (the sync worker's <c>AddSyncWorker</c>), with
    /// <see cref="IConnectorStateStore"/>, <see cref="ISecretSource"/>, <see cref="IWorkflowRuns"/>, <see cref="TimeProvider"/>,
    /// the core (<see cref="SyncCoreServiceCollectionExtensions.AddSyncCore"/>: tenants, runs, audit, the engine) and the
    /// one gate to a tenant's systems (<see cref="TenantClientsRegistration.AddTenantClients"/>).
    /// </summary>
    public static IServiceCollection AddOperatorApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(OperatorOptions.SectionName);
        services.AddOptions<OperatorOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<IReconcileSource, ZendeskReconcileSource>();
        services.TryAddSingleton<ApiKeyRegistry>();
        services.TryAddSingleton<OperatorAccess>();
        services.TryAddSingleton(sp => new OperatorPrincipals(sp.GetRequiredService<ApiKeyRegistry>(), sp.GetRequiredService<IOptions<OperatorOptions>>()));
        services.TryAddSingleton<ConnectStateStore>();
        services.TryAddSingleton<ConnectDeps>();
        services.TryAddSingleton<TenantChanges>();
        services.TryAddSingleton<ConsentStarter>();
        services.TryAddSingleton<EndpointDiscovery>();
        services.TryAddSingleton<CheckService>();
        services.TryAddSingleton<PlanService>();
        services.TryAddSingleton<ReconcileService>();
        services.TryAddSingleton<OperatorActions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOAuthFlow, AcumaticaOAuthFlow>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOAuthFlow, ZendeskOAuthFlow>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectivityProbe, AcumaticaConnectivityProbe>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectivityProbe, ZendeskConnectivityProbe>());

        var schemes = new List<string> { ApiKeyAuthenticationHandler.SchemeName };
        var authentication = services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        var jwt = section.GetSection(nameof(OperatorOptions.Jwt)).Get<JwtOptions>() ?? new JwtOptions();
        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            const string bearer = "OperatorBearer";
            authentication.AddJwtBearer(bearer, o =>
            {
                o.Authority = jwt.Authority;
                o.Audience = jwt.Audience;
                o.TokenValidationParameters.ValidateAudience = true;
                o.TokenValidationParameters.RoleClaimType = "roles";
                o.MapInboundClaims = false;
            });
            schemes.Add(bearer);
        }

        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, OperatorAuthorizationResultHandler>());
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, p => p.AddAuthenticationSchemes([.. schemes]).RequireAuthenticatedUser());
        services.AddProblemDetails();
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith(RoutePrefix[1..], StringComparison.Ordinal) == true;
            o.AddDocumentTransformer<OperatorSecuritySchemes>();
            o.AddOperationTransformer<OperatorSecuritySchemes>();
        });
        return services;
    }

    /// <summary>Where the interactive reference of the operator API is served (Swagger UI, assets from the package: no CDN).</summary>
    public const string ReferencePath = "/operator/reference";

    /// <summary>Where the OpenAPI document is served.</summary>
    public const string DocumentPath = "/openapi/" + DocumentName + ".json";

    /// <summary>
    /// Serves the interactive reference at <see cref="ReferencePath"/>: it loads <see cref="DocumentPath"/>, and its
    /// "Authorize" button takes an API key for the calls tried from the page.
    /// </summary>
    public static IApplicationBuilder UseOperatorApiReference(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = ReferencePath[1..];
            o.SwaggerEndpoint(DocumentPath, "Operator API v1");
            o.DocumentTitle = "AcumaticaZendesk operator API";
        });
    }

    /// <summary>
    /// Maps the operator routes under <see cref="RoutePrefix"/> and the OpenAPI document at <see cref="DocumentPath"/>. The
    /// document needs no key (it describes the open-source API and must load in the reference page before a key is
    /// entered); every operation it lists does.
    /// </summary>
    public static RouteGroupBuilder MapOperatorApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var root = endpoints.MapGroup(RoutePrefix)
            .RequireAuthorization(PolicyName)
            .AddEndpointFilter(MapErrorsAsync)
            .WithTags("operator")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        var tenant = root.MapGroup("/tenants/{tenantId}")
            .AddEndpointFilter(RequireTenantAccessAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        TenantEndpoints.Map(root, tenant);
        ConnectEndpoints.Map(root, tenant);
        RunEndpoints.Map(tenant);
        RecordEndpoints.Map(tenant);
        CheckEndpoints.Map(tenant);
        AlertEndpoints.Map(tenant);
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        return root;
    }

    private static async ValueTask<object?> RequireTenantAccessAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tenantId = http.GetRouteValue("tenantId") as string ?? string.Empty;
        var access = http.RequestServices.GetRequiredService<OperatorAccess>();
        if (!access.CanAccess(http.User, tenantId))
        {
            // 403 whether or not the tenant exists: a scoped credential learns nothing about other tenants.
            return OperatorResults.Problem(StatusCodes.Status403Forbidden, "Forbidden", $"This credential may not see tenant '{tenantId}'.");
        }

        return await next(context).ConfigureAwait(false);
    }

    private static async ValueTask<object?> MapErrorsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (TenantValidationException ex)
        {
            return OperatorResults.Invalid("The tenant configuration is invalid.", ex.Errors);
        }
        catch (RequestBodyTooLargeException ex)
        {
            return OperatorResults.Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", ex.Message);
        }
        catch (KeyNotFoundException ex)
        {
            return OperatorResults.NotFound(ex.Message);
        }
        catch (AuthorizationRequiredException ex)
        {
            return OperatorResults.Problem(StatusCodes.Status409Conflict, "Authorization required", $"{ex.Message} Connect the tenant again.");
        }
        catch (ZendeskBadResponseException ex)
        {
            // Our own words about the answer (never its body): e.g. a listing whose cursors repeat.
            return OperatorResults.Problem(StatusCodes.Status502BadGateway, "Bad answer from Zendesk", ex.Message);
        }
        catch (StateConflictException)
        {
            return OperatorResults.Problem(
                StatusCodes.Status409Conflict,
                "Concurrent change",
                "Someone else changed the same state at the same time; try again.");
        }
        catch (Exception ex) when (SidecarUnavailable.Is(ex) && !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return SidecarUnavailable.Problem();
        }
    }
}
