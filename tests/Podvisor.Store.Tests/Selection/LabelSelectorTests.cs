using Podvisor.Model.Selection;

namespace Podvisor.Store.Tests.Selection;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "front", ["version"] = "3" };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=db", true)]
    [InlineData("app!=web", false)]
    [InlineData("missing!=x", true)]
    [InlineData("app in (web,db)", true)]
    [InlineData("app in (db, cache)", false)]
    [InlineData("app notin (db,cache)", true)]
    [InlineData("app notin (web)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("missing in (x)", false)]
    [InlineData("app", true)]
    [InlineData("missing", false)]
    [InlineData("!missing", true)]
    [InlineData("!app", false)]
    [InlineData("version>2", true)]
    [InlineData("version<3", false)]
    [InlineData("app=web,tier=front", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData(" app = web , !missing , tier in ( front ) ", true)]
    [InlineData("", true)]
    public void Matches_Operator_ExpectedResult(string selector, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Web));
    }

    [Theory]
    [InlineData("app=web", false)]
    [InlineData("app!=web", true)]
    [InlineData("!app", true)]
    [InlineData("app notin (a)", true)]
    public void Matches_NullLabels_TreatedAsNoLabels(string selector, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(null));
    }

    [Theory]
    [InlineData("app=")]
    [InlineData("app in (,a)")]
    public void Parse_EmptyValue_MatchesEmptyLabel(string selector)
    {
        Assert.True(LabelSelector.Parse(selector).Matches(new Dictionary<string, string> { ["app"] = "" }));
    }

    [Theory]
    [InlineData("app in web")]
    [InlineData("app in (web")]
    [InlineData("app=web)")]
    [InlineData("=web")]
    [InlineData("app=-bad-")]
    [InlineData("-bad-key")]
    [InlineData("app==a==b")]
    [InlineData("version>abc")]
    [InlineData("app web")]
    public void Parse_Invalid_ThrowsFormatException(string selector)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Parse_PrefixedKey_Accepted()
    {
        var s = LabelSelector.Parse("app.kubernetes.io/name=web");
        Assert.True(s.Matches(new Dictionary<string, string> { ["app.kubernetes.io/name"] = "web" }));
    }

    [Fact]
    public void FromMatch_LabelsAndExpressions_AllMustHold()
    {
        var s = LabelSelector.FromMatch(
            new Dictionary<string, string> { ["app"] = "web" },
            [("tier", "In", ["front", "back"]), ("canary", "DoesNotExist", null), ("version", "Exists", []), ("zone", "NotIn", ["b"])]);
        Assert.True(s.Matches(Web));
        Assert.False(s.Matches(new Dictionary<string, string>(Web) { ["canary"] = "yes" }));
        Assert.False(s.Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }));
    }

    [Fact]
    public void FromMatch_Empty_MatchesEverything()
    {
        Assert.True(LabelSelector.FromMatch(null, null).Matches(null));
        Assert.False(LabelSelector.Nothing.Matches(Web));
    }

    [Theory]
    [InlineData("In", new string[0])]
    [InlineData("Exists", new[] { "x" })]
    [InlineData("Bogus", new[] { "x" })]
    public void FromMatch_InvalidExpression_ThrowsFormatException(string op, string[] values)
    {
        Assert.Throws<FormatException>(() => LabelSelector.FromMatch(null, [("k", op, values)]));
    }

    [Fact]
    public void ToString_RoundTrips()
    {
        var s = LabelSelector.Parse("a=b,c!=d,e in (f,g),h notin (i),j,!k");
        Assert.Equal("a=b,c!=d,e in (f,g),h notin (i),j,!k", s.ToString());
        Assert.Equal(s.ToString(), LabelSelector.Parse(s.ToString()).ToString());
    }
}
