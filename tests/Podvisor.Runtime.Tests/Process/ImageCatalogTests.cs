using Podvisor.Runtime.Process;

namespace Podvisor.Runtime.Tests.Process;

public sealed class ImageCatalogTests
{
    private static readonly ImageCatalog Defaults = ImageCatalog.Load(overridePath: null);

    [Theory]
    [InlineData("busybox", "busybox")]
    [InlineData("busybox:1.36", "busybox")]
    [InlineData("docker.io/library/nginx:1.27", "nginx")]
    [InlineData("library/python:3.12-slim", "python")]
    [InlineData("ghcr.io/org/app@sha256:abcd", "org/app")]
    [InlineData("localhost:5000/app:dev", "app")]
    [InlineData("localhost/app", "app")]
    [InlineData("org/app:1", "org/app")]
    public void Normalize_ImageReference_StripsRegistryLibraryTagDigest(string image, string expected) =>
        Assert.Equal(expected, ImageCatalog.Normalize(image));

    [Fact]
    public void Load_WithoutOverride_ParsesTheBuiltInCatalogOnFirstUse()
    {
        var catalog = ImageCatalog.Load(overridePath: null);
        Assert.False(catalog.DefaultsParsed);

        Assert.Equal(["sh"], catalog.Resolve("busybox", null, null).Argv);
        Assert.True(catalog.DefaultsParsed);
    }

    [Theory]
    [InlineData("busybox", new[] { "sh" })]
    [InlineData("alpine:3", new[] { "sh" })]
    [InlineData("debian", new[] { "sh" })]
    [InlineData("ubuntu:24.04", new[] { "sh" })]
    [InlineData("nginx", new[] { "nginx", "-g", "daemon off;" })]
    [InlineData("python:3", new[] { "python3" })]
    public void Resolve_ShippedImages_DefaultCommand(string image, string[] argv) =>
        Assert.Equal(argv, Defaults.Resolve(image, null, null).Argv);

    [Fact]
    public void Resolve_CommandWithoutArgs_ImageCmdNotUsed()
    {
        var catalog = WithEntry("entrypoint: [\"ep\"]\n    cmd: [\"c1\", \"c2\"]");

        Assert.Equal(["sleep", "5"], catalog.Resolve("app", ["sleep", "5"], null).Argv);
    }

    [Fact]
    public void Resolve_ArgsOnly_EntrypointKeptCmdReplaced()
    {
        var catalog = WithEntry("entrypoint: [\"ep\"]\n    cmd: [\"c1\", \"c2\"]");

        Assert.Equal(["ep", "a1"], catalog.Resolve("app", null, ["a1"]).Argv);
    }

    [Fact]
    public void Resolve_CommandAndArgs_Both()
    {
        var catalog = WithEntry("entrypoint: [\"ep\"]\n    cmd: [\"c1\"]");

        Assert.Equal(["cmd", "a1"], catalog.Resolve("app", ["cmd"], ["a1"]).Argv);
    }

    [Fact]
    public void Resolve_NeitherGiven_EntrypointThenCmd()
    {
        var catalog = WithEntry("entrypoint: [\"ep\"]\n    cmd: [\"c1\"]\n    workingDir: /srv\n    env:\n      A: b");

        var resolved = catalog.Resolve("app:latest", null, null);

        Assert.Equal(["ep", "c1"], resolved.Argv);
        Assert.Equal("/srv", resolved.WorkingDir);
        Assert.Equal("b", resolved.Env["A"]);
    }

    [Fact]
    public void Resolve_UnknownImageWithCommand_RunsCommand() =>
        Assert.Equal(["true"], Defaults.Resolve("example.com/x/y:1", ["true"], null).Argv);

    [Fact]
    public void Resolve_UnknownImageWithoutCommand_CreateContainerConfigErrorNamingTheFix()
    {
        var catalog = ImageCatalog.Load("/data/images.yaml");

        var ex = Assert.Throws<RuntimeException>(() => catalog.Resolve("foo", null, ["x"]));

        Assert.Equal(RuntimeErrorReason.CreateContainerConfigError, ex.Reason);
        Assert.Equal("image \"foo\" is not in the image catalog (/data/images.yaml) and the container sets no command; add the image to the catalog or set command", ex.Message);
    }

    [Fact]
    public void Load_OverrideFile_ReplacesShippedEntryAndKeepsOthers()
    {
        var path = Path.Combine(Path.GetTempPath(), $"podvisor-images-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "images:\n  docker.io/library/nginx:\n    cmd: [\"my-nginx\"]\n");
        try
        {
            var catalog = ImageCatalog.Load(path);

            Assert.Equal(["my-nginx"], catalog.Resolve("nginx:1.27", null, null).Argv);
            Assert.Equal(["sh"], catalog.Resolve("busybox", null, null).Argv);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_InvalidYaml_ErrorNamesTheFile()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ImageCatalog.Parse("images: [unclosed", "/x/images.yaml"));

        Assert.StartsWith("image catalog /x/images.yaml:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("images: [a, b]", "images must be a mapping")]
    [InlineData("images:\n  app:\n    cmd: run\n", "images.app.cmd must be a list of strings")]
    [InlineData("images:\n  app:\n    cmd: [[nested]]\n", "images.app.cmd[0] must be a string")]
    [InlineData("images:\n  app:\n    env: [A=1]\n", "images.app.env must be a mapping")]
    [InlineData("images:\n  app:\n    workingDir: {a: b}\n", "images.app.workingDir must be a string")]
    public void Parse_WrongShape_ErrorNamesTheFieldAndLine(string yaml, string expected)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ImageCatalog.Parse(yaml, "/x/images.yaml"));

        Assert.StartsWith("image catalog /x/images.yaml: (Line: ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AllFields_AndEmptyValues()
    {
        var images = ImageCatalog.Parse(
            "images:\n  docker.io/library/app:1.0:\n    entrypoint: [/bin/app, --flag]\n    cmd: []\n    workingDir: /srv\n    env: {A: \"1\", B: two}\n  empty:\n  nulls:\n    cmd: ~\n    workingDir: ~\n",
            "test");

        var app = images["app"];
        Assert.Equal(["/bin/app", "--flag"], app.Entrypoint);
        Assert.Empty(app.Cmd!);
        Assert.Equal("/srv", app.WorkingDir);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two" }, app.Env);
        Assert.Null(images["empty"].Entrypoint);
        Assert.Null(images["nulls"].Cmd);
        Assert.Null(images["nulls"].WorkingDir);
        Assert.Empty(ImageCatalog.Parse("", "test"));
        Assert.Empty(ImageCatalog.Parse("images:\n", "test"));
    }

    private static ImageCatalog WithEntry(string body)
    {
        var path = Path.Combine(Path.GetTempPath(), $"podvisor-images-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"images:\n  app:\n    {body}\n");
        try
        {
            return ImageCatalog.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
