using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// The part of the Dapr runtime API (<c>dapr.proto.runtime.v1.Dapr</c>) the apps use: state with ETags (and
/// transactions) under the store's personality and the component's resiliency policy, secrets,
/// pub/sub publish and output bindings. Every other method of the service is answered <c>Unimplemented</c> by
/// Grpc.AspNetCore and recorded by the stand-in.
/// </summary>
public sealed class FakeDaprApi(StandInSidecar sidecar)
{
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    internal Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        var store = sidecar.StateStore(request.StoreName);
        var writes = request.States.Select(i => new StateWrite(i.Key, i.Value, i.Etag?.Value, i.Options?.Concurrency ?? default)).ToList();
        return ApplyAsync(request.StoreName, store, writes, $"failed saving state in state store {request.StoreName}", context);
    }

    internal Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        var store = sidecar.StateStore(request.StoreName);
        if (store.MaxTransactionOperations is { } max && request.Operations.Count > max)
        {
            // pkg/api/grpc/grpc.go ExecuteStateTransaction: MultiMaxSize checked before the store is called.
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"the transaction contains {request.Operations.Count} operations, which is more than what the state store supports: {max}"));
        }

        var writes = request.Operations.Select(o => o.OperationType switch
        {
            "upsert" => new StateWrite(o.Request.Key, o.Request.Value, o.Request.Etag?.Value, o.Request.Options?.Concurrency ?? default),
            "delete" => new StateWrite(o.Request.Key, null, o.Request.Etag?.Value, o.Request.Options?.Concurrency ?? default),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"operation type {o.OperationType} not supported")),
        }).ToList();
        return ApplyAsync(request.StoreName, store, writes, $"failed to execute transaction in state store {request.StoreName}", context);
    }

    /// <summary>Applies writes all or nothing through the store's resiliency, refusing as daprd does.</summary>
    private Task<Empty> ApplyAsync(string storeName, FakeStateStore store, List<StateWrite> writes, string failure, ServerCallContext context) =>
        sidecar.RunStateCallAsync(storeName, () =>
        {
            var (refusal, key) = store.Apply(writes);
            ThrowIfRefused(storeName, key, refusal, failure);
            return new Empty();
        }, context.CancellationToken);

    internal Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        var store = sidecar.StateStore(request.StoreName);
        return sidecar.RunStateCallAsync(request.StoreName, () =>
        {
            var stored = store.Get(request.Key);
            return new GetStateResponse { Data = stored?.Data ?? ByteString.Empty, Etag = stored?.ETag ?? string.Empty };
        }, context.CancellationToken);
    }

    internal Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context)
    {
        var store = sidecar.StateStore(request.StoreName);
        return sidecar.RunStateCallAsync(request.StoreName, () =>
        {
            var response = new GetBulkStateResponse();
            foreach (var key in request.Keys)
            {
                var stored = store.Get(key);
                response.Items.Add(new BulkStateItem { Key = key, Data = stored?.Data ?? ByteString.Empty, Etag = stored?.ETag ?? string.Empty });
            }

            return response;
        }, context.CancellationToken);
    }

    internal Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
    {
        var store = sidecar.StateStore(request.StoreName);
        var write = new StateWrite(request.Key, null, request.Etag?.Value, request.Options?.Concurrency ?? default);
        return ApplyAsync(request.StoreName, store, [write], $"failed deleting state with key {request.Key}", context);
    }

    /// <summary>
    /// daprd's answer to a refused write (<c>pkg/api/grpc/grpc.go</c> <c>getStateErrorCode</c>): an ETag mismatch is
    /// <c>Aborted</c>, an invalid ETag <c>InvalidArgument</c>, any other store error <c>Internal</c>.
    /// </summary>
    private void ThrowIfRefused(string storeName, string? key, StateWriteRefusal refusal, string prefix)
    {
        if (refusal == StateWriteRefusal.None)
        {
            return;
        }

        sidecar.RecordRefusedWrite(storeName, key!, refusal);
        throw refusal switch
        {
            StateWriteRefusal.ETagMismatch => new RpcException(new Status(StatusCode.Aborted,
                $"{prefix}: possible etag mismatch. error from state store: key '{key}'")),
            StateWriteRefusal.ETagInvalid => new RpcException(new Status(StatusCode.InvalidArgument,
                $"{prefix}: invalid etag value: key '{key}'")),
            _ => new RpcException(new Status(StatusCode.Internal, $"{prefix}: {StoreError(sidecar.StateStore(storeName).Personality, key!)}")),
        };
    }

    /// <summary>The plain error text of each store when a write without ETag is refused.</summary>
    private static string StoreError(StateStorePersonality personality, string key) => personality switch
    {
        StateStorePersonality.PostgreSqlV2 => "no item was updated",
        StateStorePersonality.Redis => $"failed to set key {key}: ERR user_script:12: failed to set key {key}",
        _ => $"failed to write key {key}",
    };

    internal Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        sidecar.EnsurePubSub(request.PubsubName);
        sidecar.PubSub.Publish(request.PubsubName, request.Topic, request.Data.Memory, request.DataContentType);
        return Task.FromResult(new Empty());
    }

    internal Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context)
    {
        var value = sidecar.Secret(request.StoreName, request.Key);
        var response = new GetSecretResponse();
        response.Data.Add(request.Key, value);
        return Task.FromResult(response);
    }

    internal Task<InvokeBindingResponse> InvokeBinding(InvokeBindingRequest request, ServerCallContext context) =>
        Task.FromResult(sidecar.InvokeOutputBinding(request));

}

/// <summary>Binds the implemented methods by hand (Dapr.Protos ships only the client stub, no server base).</summary>
internal sealed class FakeDaprApiMethodProvider : IServiceMethodProvider<FakeDaprApi>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<FakeDaprApi> context)
    {
        Add(context, "SaveState", SaveStateRequest.Parser, Empty.Parser, (s, r, c) => s.SaveState(r, c));
        Add(context, "GetState", GetStateRequest.Parser, GetStateResponse.Parser, (s, r, c) => s.GetState(r, c));
        Add(context, "GetBulkState", GetBulkStateRequest.Parser, GetBulkStateResponse.Parser, (s, r, c) => s.GetBulkState(r, c));
        Add(context, "DeleteState", DeleteStateRequest.Parser, Empty.Parser, (s, r, c) => s.DeleteState(r, c));
        Add(context, "ExecuteStateTransaction", ExecuteStateTransactionRequest.Parser, Empty.Parser, (s, r, c) => s.ExecuteStateTransaction(r, c));
        Add(context, "PublishEvent", PublishEventRequest.Parser, Empty.Parser, (s, r, c) => s.PublishEvent(r, c));
        Add(context, "GetSecret", GetSecretRequest.Parser, GetSecretResponse.Parser, (s, r, c) => s.GetSecret(r, c));
        Add(context, "InvokeBinding", InvokeBindingRequest.Parser, InvokeBindingResponse.Parser, (s, r, c) => s.InvokeBinding(r, c));
    }

    private static void Add<TRequest, TResponse>(
        ServiceMethodProviderContext<FakeDaprApi> context,
        string name,
        MessageParser<TRequest> requestParser,
        MessageParser<TResponse> responseParser,
        UnaryServerMethod<FakeDaprApi, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var method = new Method<TRequest, TResponse>(
            MethodType.Unary,
            FakeDaprApi.ServiceName,
            name,
            Marshallers.Create(m => m.ToByteArray(), requestParser.ParseFrom),
            Marshallers.Create(m => m.ToByteArray(), responseParser.ParseFrom));
        context.AddUnaryMethod(method, [], handler);
    }
}
