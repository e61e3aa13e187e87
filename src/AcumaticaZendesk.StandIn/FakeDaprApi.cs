using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace AcumaticaZendesk.StandIn;

/// <summary>
/// The part of the Dapr runtime API (<c>dapr.proto.runtime.v1.Dapr</c>) the apps use: state with ETags, secrets,
/// pub/sub publish and output bindings. Every other method of the service is answered <c>Unimplemented</c> by
/// Grpc.AspNetCore and recorded by the stand-in.
/// </summary>
public sealed class FakeDaprApi(StandInSidecar sidecar)
{
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    internal Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        var store = sidecar.StateStore(request.StoreName);
        foreach (var item in request.States)
        {
            var refusal = store.Set(item.Key, item.Value, item.Etag?.Value, IsFirstWrite(item.Options));
            if (refusal != StateWriteRefusal.None)
            {
                sidecar.RecordRefusedWrite(request.StoreName, item.Key);
                throw new RpcException(new Status(StatusCode.Aborted,
                    $"failed saving state in state store {request.StoreName}: possible etag mismatch. error from state store: key '{item.Key}'"));
            }
        }

        return Task.FromResult(new Empty());
    }

    internal Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        var stored = sidecar.StateStore(request.StoreName).Get(request.Key);
        return Task.FromResult(new GetStateResponse { Data = stored?.Data ?? ByteString.Empty, Etag = stored?.ETag ?? string.Empty });
    }

    internal Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context)
    {
        var store = sidecar.StateStore(request.StoreName);
        var response = new GetBulkStateResponse();
        foreach (var key in request.Keys)
        {
            var stored = store.Get(key);
            response.Items.Add(new BulkStateItem { Key = key, Data = stored?.Data ?? ByteString.Empty, Etag = stored?.ETag ?? string.Empty });
        }

        return Task.FromResult(response);
    }

    internal Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
    {
        if (sidecar.StateStore(request.StoreName).Delete(request.Key, request.Etag?.Value, IsFirstWrite(request.Options)) != StateWriteRefusal.None)
        {
            sidecar.RecordRefusedWrite(request.StoreName, request.Key);
            throw new RpcException(new Status(StatusCode.Aborted,
                $"failed deleting state with key {request.Key}: possible etag mismatch"));
        }

        return Task.FromResult(new Empty());
    }

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

    private static bool IsFirstWrite(StateOptions? options) =>
        options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;
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
