namespace Podvisor.Api.Tests.Streaming;

public sealed class LogStreamingTests : IAsyncLifetime
{
    private readonly HostStreamingBackend _backend = new();
    private StreamingTestHost _host = null!;
    private string _logPath = null!;

    public async Task InitializeAsync()
    {
        _host = await StreamingTestHost.StartAsync(_backend);
        await _host.CreatePodAsync("web", "main");
        await _host.CreatePodAsync("two", "a", "b");
        _logPath = Path.Combine(Path.GetTempPath(), $"podvisor-log-{Guid.NewGuid():N}.log");
        await File.WriteAllTextAsync(_logPath,
            "2026-01-01T00:00:01.000000001Z stdout F first\n" +
            "2026-01-01T00:00:02.000000000Z stderr P sec\n" +
            "2026-01-01T00:00:02.500000000Z stderr F ond\n" +
            "2026-01-01T00:00:03.000000000Z stdout F third\n");
        _backend.LogPath = _logPath;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        File.Delete(_logPath);
    }

    [Theory]
    [InlineData("", "first\nsecond\nthird\n")]
    [InlineData("&tailLines=1", "third\n")]
    [InlineData("&tailLines=0", "")]
    [InlineData("&limitBytes=8", "first\nse")]
    [InlineData("&sinceTime=2026-01-01T00:00:02Z", "second\nthird\n")]
    [InlineData("&tailLines=1&timestamps=true", "2026-01-01T00:00:03.0000000Z third\n")]
    public async Task Log_Options_ShapeOutput(string query, string expected)
    {
        using var http = new HttpClient { BaseAddress = _host.BaseUri };

        var body = await http.GetStringAsync("/api/v1/namespaces/default/pods/web/log?container=main" + query);

        Assert.Equal(expected, body);
    }

    [Fact]
    public async Task Log_Previous_WithoutInstance_IsBadRequestWithKubernetesMessage()
    {
        using var http = new HttpClient { BaseAddress = _host.BaseUri };

        var response = await http.GetAsync("/api/v1/namespaces/default/pods/web/log?container=main&previous=true");

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.True(body.Contains("previous terminated container \\\"main\\\" in pod \\\"web\\\" not found", StringComparison.Ordinal), body);
    }

    [Fact]
    public async Task Log_MultiContainerWithoutName_AsksForOne()
    {
        using var http = new HttpClient { BaseAddress = _host.BaseUri };

        var response = await http.GetAsync("/api/v1/namespaces/default/pods/two/log");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("a container name must be specified for pod two, choose one of: [a b]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_Follow_StreamsNewLinesUntilTheInstanceExits()
    {
        var exited = new TaskCompletionSource();
        _backend.Exited = exited.Task;
        using var http = new HttpClient { BaseAddress = _host.BaseUri };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var response = await http.GetAsync("/api/v1/namespaces/default/pods/web/log?container=main&follow=true&tailLines=0", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        using var reader = new StreamReader(body);
        await File.AppendAllTextAsync(_logPath, "2026-01-01T00:00:04.000000000Z stdout F fourth\n", cts.Token);

        Assert.Equal("fourth", await reader.ReadLineAsync(cts.Token));
        exited.SetResult();
        Assert.Equal("", await reader.ReadToEndAsync(cts.Token));
    }
}
