using System.Reflection;
using AcumaticaZendesk.Operator.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcumaticaZendesk.SyncWorker.UnitTests;

/// <summary>
/// The worker's container as production builds it: every registration is checked when the app is built, and every
/// service an endpoint takes is registered and resolves, so a missing one stops the start instead of failing a request.
/// </summary>
public sealed class WorkerContainerTests
{
    private static WebApplicationBuilder Builder()
    {
        // Named as the worker's own program is, so the console finds the worker's static-assets manifest.
        var options = new WebApplicationOptions { EnvironmentName = "Production", ApplicationName = "AcumaticaZendesk.SyncWorker" };
        var builder = WebApplication.CreateSlimBuilder(options);
        builder.AddSyncWorker();
        return builder;
    }

    [Fact]
    public async Task Every_service_an_endpoint_takes_is_registered_and_resolves()
    {
        await using var app = Builder().Build(); // validates every registration's constructor (AddSyncWorker asks for it)
        app.MapSyncWorker();
        var isService = app.Services.GetRequiredService<IServiceProviderIsService>();
        using var scope = app.Services.CreateScope();

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is not null).ToArray();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText?.EndsWith("/reconcile", StringComparison.Ordinal) == true);
        var checkedServices = 0;
        foreach (var endpoint in endpoints)
        {
            foreach (var parameter in endpoint.Metadata.GetMetadata<MethodInfo>()!.GetParameters().Where(IsOurService))
            {
                Assert.True(
                    isService.IsService(parameter.ParameterType),
                    $"{endpoint.DisplayName} takes {parameter.ParameterType.Name}, which nobody registers");
                Assert.NotNull(scope.ServiceProvider.GetRequiredService(parameter.ParameterType));
                checkedServices++;
            }
        }

        Assert.True(checkedServices > 20, $"only {checkedServices} endpoint services were found");
    }

    [Fact]
    public void A_service_nobody_registers_stops_the_build_naming_it()
    {
        var builder = Builder();
        builder.Services.RemoveAll<IWorkflowRuns>();

        var refused = Assert.Throws<AggregateException>(() => builder.Build());

        Assert.Contains(refused.InnerExceptions, e => e.Message.Contains(nameof(IWorkflowRuns), StringComparison.Ordinal));
    }

    /// <summary>
    /// A handler parameter of one of our types that is not the request's body (a data record) nor bound from the route:
    /// the endpoint takes it from the container.
    /// </summary>
    private static bool IsOurService(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        var ours = type.Namespace?.StartsWith("AcumaticaZendesk", StringComparison.Ordinal) == true;
        var isRecord = type.GetMethod("<Clone>$") is not null;
        return ours && !isRecord && !type.IsEnum && !type.IsValueType;
    }
}
