using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Podvisor.Model.Apps;
using Podvisor.Model.Core;
using Podvisor.Model.Discovery;
using Podvisor.Model.Meta;

namespace Podvisor.Model.Serialization;

/// <summary>Source-generated serialisation for every API type, with Kubernetes' wire conventions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    MaxDepth = 256,
    Converters = [typeof(Rfc3339JsonConverter)])]
[JsonSerializable(typeof(Pod))]
[JsonSerializable(typeof(Service))]
[JsonSerializable(typeof(Endpoints))]
[JsonSerializable(typeof(Namespace))]
[JsonSerializable(typeof(Node))]
[JsonSerializable(typeof(Event))]
[JsonSerializable(typeof(ConfigMap))]
[JsonSerializable(typeof(Secret))]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(ReplicaSet))]
[JsonSerializable(typeof(Scale))]
[JsonSerializable(typeof(EndpointSlice))]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(WatchEvent))]
[JsonSerializable(typeof(DeleteOptions))]
[JsonSerializable(typeof(Table))]
[JsonSerializable(typeof(ObjectMeta))]
[JsonSerializable(typeof(KubernetesList<Pod>))]
[JsonSerializable(typeof(KubernetesList<Service>))]
[JsonSerializable(typeof(KubernetesList<Endpoints>))]
[JsonSerializable(typeof(KubernetesList<Namespace>))]
[JsonSerializable(typeof(KubernetesList<Node>))]
[JsonSerializable(typeof(KubernetesList<Event>))]
[JsonSerializable(typeof(KubernetesList<ConfigMap>))]
[JsonSerializable(typeof(KubernetesList<Secret>))]
[JsonSerializable(typeof(KubernetesList<Deployment>))]
[JsonSerializable(typeof(KubernetesList<ReplicaSet>))]
[JsonSerializable(typeof(KubernetesList<EndpointSlice>))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;
