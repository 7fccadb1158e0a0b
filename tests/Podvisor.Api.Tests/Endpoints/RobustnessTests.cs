using System.Net;
using System.Net.Http.Headers;

namespace Podvisor.Api.Tests.Endpoints;

public sealed class RobustnessTests
{
    [Fact]
    public async Task MalformedRequests_AllGet4xx_AndServerKeepsServing()
    {
        await using var s = await TestServer.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await s.PostAsync("/api/v1/namespaces/default/pods", Manifests.Pod("target"))).Code);
        var random = new Random(1234);
        string[] paths =
        [
            "/api/v1/namespaces/default/pods", "/api/v1/namespaces/default/pods/target", "/api/v1/namespaces/default/pods/target/status",
            "/apis/apps/v1/namespaces/default/deployments", "/api/v1/namespaces", "/api/v1/namespaces/default/configmaps",
            "/apis/apps/v1/namespaces/default/deployments/none/scale",
        ];
        string[] wrongTypes =
        [
            "[]", "1", "\"x\"", "null", "true", """{"metadata":"x"}""", """{"metadata":{"name":5}}""", """{"metadata":{"labels":[1]}}""",
            """{"metadata":{"name":"target","annotations":{"a":1}}}""", """{"kind":5}""", """{"apiVersion":"v2","kind":"Pod"}""",
            """{"metadata":{"name":"target"},"spec":"nope"}""", """{"metadata":{"name":"target","finalizers":"x"}}""",
            """{"metadata":{"name":"target","ownerReferences":[1]}}""", """[{"op":"explode","path":"/x"}]""", """[{"op":"add"}]""",
            """{"metadata":{"name":"target","generation":"x"}}""", """{"spec":{"replicas":"many"}}""", """{"gracePeriodSeconds":"soon"}""",
            """{"propagationPolicy":"Sideways"}""", """{"preconditions":5}""",
        ];
        string[] contentTypes =
        [
            "application/json", "application/merge-patch+json", "application/json-patch+json", "application/strategic-merge-patch+json",
            "application/apply-patch+yaml", "application/yaml", "application/vnd.kubernetes.protobuf", "text/plain",
        ];
        HttpMethod[] methods = [HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete];

        var failures = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var path = paths[random.Next(paths.Length)];
            var method = methods[random.Next(methods.Length)];
            byte[] body = (i % 4) switch
            {
                0 => RandomBytes(random),
                1 => System.Text.Encoding.UTF8.GetBytes(wrongTypes[random.Next(wrongTypes.Length)]),
                2 => Truncated(random),
                _ => System.Text.Encoding.UTF8.GetBytes(Mangle(random, Manifests.Pod("target"))),
            };
            if (method == HttpMethod.Post && path.EndsWith("/target", StringComparison.Ordinal))
            {
                method = HttpMethod.Put;
            }

            using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentTypes[random.Next(contentTypes.Length)]);
            if (method == HttpMethod.Patch && path.EndsWith("/pods", StringComparison.Ordinal))
            {
                continue;
            }

            using var response = await s.Client.SendAsync(request);
            var code = (int)response.StatusCode;
            // Random bytes and truncated documents never decode: 4xx. A wrong-type body may be a valid one for another
            // verb (DeleteOptions fields are unknown fields of a Pod, dropped with a warning as the apiserver does) and
            // a mangled manifest may still be a valid pod: for those only a 5xx is a failure.
            var undecodable = i % 4 is 0 or 2;
            if (code >= 500 || (undecodable && code is < 400 or >= 500))
            {
                failures.Add($"{method} {path} {request.Content.Headers.ContentType} -> {code}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} requests failed:\n{string.Join('\n', failures.Take(20))}");
        Assert.Equal(HttpStatusCode.OK, (await s.GetAsync("/api/v1/namespaces/default/pods")).Code);
        Assert.Equal(HttpStatusCode.OK, (await s.GetAsync("/readyz")).Code);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Truncated(Random random)
    {
        var full = System.Text.Encoding.UTF8.GetBytes(Manifests.Pod("target"));
        return full[..random.Next(1, full.Length - 1)];
    }

    private static string Mangle(Random random, string json)
    {
        var chars = json.ToCharArray();
        for (var k = 0; k < 3; k++)
        {
            const string Breakers = "{}[]\":,0a-\\";
            chars[random.Next(chars.Length)] = Breakers[random.Next(Breakers.Length)];
        }

        return new string(chars);
    }
}
