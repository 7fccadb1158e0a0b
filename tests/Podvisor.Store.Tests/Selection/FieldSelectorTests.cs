using Podvisor.Model.Selection;

namespace Podvisor.Store.Tests.Selection;

public sealed class FieldSelectorTests
{
    private static string? Field(string name) => name switch
    {
        "metadata.name" => "web-1",
        "spec.nodeName" => "node-a",
        "odd" => "a,b=c",
        _ => null,
    };

    [Theory]
    [InlineData("metadata.name=web-1", true)]
    [InlineData("metadata.name==web-1", true)]
    [InlineData("metadata.name!=web-1", false)]
    [InlineData("metadata.name=web-2", false)]
    [InlineData("spec.nodeName=node-a,metadata.name!=x", true)]
    [InlineData("spec.nodeName=", false)]
    [InlineData("status.phase=", true)]
    [InlineData("status.phase!=Running", true)]
    [InlineData(@"odd=a\,b\=c", true)]
    [InlineData("", true)]
    public void Matches_Operator_ExpectedResult(string selector, bool expected)
    {
        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(Field));
    }

    [Theory]
    [InlineData("metadata.name")]
    [InlineData("=x")]
    [InlineData(@"a=\q")]
    public void Parse_Invalid_ThrowsFormatException(string selector)
    {
        Assert.Throws<FormatException>(() => FieldSelector.Parse(selector));
    }

    [Fact]
    public void Fields_ListsEveryField()
    {
        Assert.Equal(["a", "b"], FieldSelector.Parse("a=1,b!=2").Fields);
    }
}
