using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Podvisor.Testing.Http;

namespace Podvisor.E2E;

/// <summary>Auth, transport and robustness of the API a real serve exposes.</summary>
public sealed class ServerContractE2ETests(PodvisorServer server) : IClassFixture<PodvisorServer>
{
    private Uri ServerUrl => new(File.ReadAllLines(server.KubeconfigPath).First(l => l.TrimStart().StartsWith("server:", StringComparison.Ordinal)).Split("server:")[1].Trim());

    /// <summary>A client that trusts only the CA serve generated in its data dir.</summary>
    private HttpClient ClientTrustingServerCa(string? token)
    {
        var client = new HttpClient(CaTrust.Handler(File.ReadAllText(Path.Combine(server.DataDir, "pki", "ca.crt"))))
        { Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private string Token => File.ReadAllText(Path.Combine(server.DataDir, "token")).Trim();

    [Fact]
    public async Task Requests_WithoutOrWithWrongToken_Get401_HealthIsOpen()
    {
        using var anonymous = ClientTrustingServerCa(null);
        using var wrong = ClientTrustingServerCa("not-the-token");
        using var right = ClientTrustingServerCa(Token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri(ServerUrl, "/api/v1/pods"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri(ServerUrl, "/api/v1/pods"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync(new Uri(ServerUrl, "/api/v1/pods"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(ServerUrl, "/readyz"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(ServerUrl, "/livez"))).StatusCode);
    }

    [Fact]
    public async Task PlainHttp_ToTheTlsPort_IsRefused()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var plain = new UriBuilder(ServerUrl) { Scheme = "http" }.Uri;

        var failed = false;
        try
        {
            var response = await http.GetAsync(new Uri(plain, "/api/v1/pods"));
            failed = response.StatusCode == HttpStatusCode.BadRequest;
        }
        catch (HttpRequestException)
        {
            failed = true;
        }

        Assert.True(failed, "plain HTTP must not be served");
    }

    [Fact]
    public async Task Body_Over3MiB_Gets413_AndServerKeepsServing()
    {
        using var client = ClientTrustingServerCa(Token);
        var big = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"big\"},\"data\":{\"x\":\"" + new string('a', 4 * 1024 * 1024) + "\"}}";

        var response = await client.PostAsync(new Uri(ServerUrl, "/api/v1/namespaces/default/configmaps"), new StringContent(big, new MediaTypeHeaderValue("application/json")));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(ServerUrl, "/api/v1/namespaces/default/configmaps"))).StatusCode);
    }

    [Fact]
    public async Task MalformedRequests_Get4xx_AndServerKeepsServing()
    {
        using var client = ClientTrustingServerCa(Token);
        var random = new Random(42);
        string[] bodies =
        [
            "{", "[]", "null", "{\"kind\":5}", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":7}}",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":\"no\"}}",
            "apiVersion: v1\nkind: Pod\nmetadata: [", "\u00ff\u00fe garbage",
        ];
        var codes = new List<int>();
        for (var i = 0; i < 1000; i++)
        {
            HttpContent content;
            if (i % 3 == 0)
            {
                var bytes = new byte[random.Next(1, 512)];
                random.NextBytes(bytes);
                content = new ByteArrayContent(bytes);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }
            else
            {
                var body = bodies[i % bodies.Length];
                content = new StringContent(body[..Math.Max(1, body.Length - (i % 4))], new MediaTypeHeaderValue(i % 2 == 0 ? "application/json" : "application/yaml"));
            }

            var path = (i % 4) switch
            {
                0 => "/api/v1/namespaces/default/pods",
                1 => "/api/v1/namespaces/default/configmaps",
                2 => "/apis/apps/v1/namespaces/default/deployments",
                _ => "/api/v1/namespaces/default/services",
            };
            var response = i % 5 == 4
                ? await client.PatchAsync(new Uri(ServerUrl, path + "/nope"), content)
                : await client.PostAsync(new Uri(ServerUrl, path), content);
            codes.Add((int)response.StatusCode);
        }

        Assert.All(codes, c => Assert.InRange(c, 400, 499));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(ServerUrl, "/api/v1/namespaces/default/pods"))).StatusCode);
    }
}
