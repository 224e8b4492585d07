using System.Text.Json.Nodes;

namespace Vibe.Crdt.Interop.Tests.Sessions;

/// <summary>JSON with object keys sorted, so documents whose maps learnt their keys in different orders compare equal.</summary>
public static class CanonicalJson
{
    public static string Of(string json) => Sort(JsonNode.Parse(json))?.ToJsonString() ?? "null";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Sort(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Sort).ToArray()),
        _ => node?.DeepClone(),
    };
}
