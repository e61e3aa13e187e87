using Dapr.DurableTask.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.DependencyInjection;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// Test-only client interceptor for the Dapr workflow worker's <c>TaskHubSidecarServiceClient</c>. Dapr's
/// durabletask protos carry fields that Microsoft's in-process task hub does not know and cannot parse
/// (dapr-without-daprd.md): they are cleared before a completion leaves the app. Nothing else is touched.
/// </summary>
public sealed class DaprOnlyFieldsInterceptor : Interceptor
{
    /// <summary>The <c>IHttpClientFactory</c>/gRPC client-factory name Dapr.Workflow 1.19 registers its client under
    /// (<c>AddGrpcClient&lt;TaskHubSidecarService.TaskHubSidecarServiceClient&gt;</c> names it after the type).</summary>
    public static readonly string ClientName = nameof(TaskHubSidecarService.TaskHubSidecarServiceClient);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Clean(request);
        return continuation(request, context);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Clean(request);
        return continuation(request, context);
    }

    /// <summary>Clears the Dapr-only fields of a workflow completion; other messages pass unchanged.</summary>
    public static void Clean(object? request)
    {
        if (request is not WorkflowResponse response)
        {
            return;
        }

        response.Version = null;
        foreach (var action in response.Actions)
        {
            action.Router = null;
            if (action.ScheduleTask is { } task)
            {
                task.Router = null;
                task.TaskExecutionId = string.Empty;
                task.ClearHistoryPropagationScope();
            }

            if (action.CreateChildWorkflow is { } child)
            {
                child.Router = null;
                child.ClearHistoryPropagationScope();
            }
        }
    }

    /// <summary>Attaches the interceptor to the app's workflow gRPC client. Call from test service overrides only.</summary>
    public static IServiceCollection AddToWorkflowClient(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Configure<GrpcClientFactoryOptions>(ClientName, o =>
            o.InterceptorRegistrations.Add(new InterceptorRegistration(InterceptorScope.Client, _ => new DaprOnlyFieldsInterceptor())));
        return services;
    }
}
