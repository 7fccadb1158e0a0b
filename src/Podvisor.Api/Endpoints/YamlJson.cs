using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Podvisor.Api.Endpoints;

/// <summary>Converts one YAML document to JSON, inferring plain scalars' types as YAML 1.2's core schema does.</summary>
internal static class YamlJson
{
    /// <summary>Throws <see cref="FormatException"/> for malformed YAML or more than one document.</summary>
    public static JsonNode? Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"error converting YAML to JSON: {e.Message}", e);
        }

        return stream.Documents.Count switch
        {
            0 => null,
            1 => Convert(stream.Documents[0].RootNode, 0),
            _ => throw new FormatException("error converting YAML to JSON: expected a single document"),
        };
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > 100)
        {
            throw new FormatException("error converting YAML to JSON: nesting too deep");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? "" : throw new FormatException("error converting YAML to JSON: non-scalar key");
                    obj[key] = Convert(v, depth + 1);
                }

                return obj;
            case YamlSequenceNode seq:
                return new JsonArray([.. seq.Children.Select(c => Convert(c, depth + 1))]);
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new FormatException("error converting YAML to JSON: unsupported node (aliases are not allowed)");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var value = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (value.Any(char.IsDigit) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }
}
