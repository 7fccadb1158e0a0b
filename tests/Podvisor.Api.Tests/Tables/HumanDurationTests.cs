using Podvisor.Api.Tables;

namespace Podvisor.Api.Tests.Tables;

public sealed class HumanDurationTests
{
    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(25, "25s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(192, "3m12s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 - 1, "179m")]
    [InlineData(5 * 3600, "5h")]
    [InlineData(5 * 3600 + 30 * 60, "5h30m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(51 * 3600, "2d3h")]
    [InlineData(72 * 3600, "3d")]
    [InlineData(30 * 86400, "30d")]
    [InlineData(800 * 86400, "2y70d")]
    [InlineData(9 * 365 * 86400, "9y")]
    public void Format_MatchesApimachinery(long seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
}
