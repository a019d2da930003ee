namespace Herald.TestKit.Tests;

public sealed class SentinelFixtureTests(SentinelFixture fixture) : IClassFixture<SentinelFixture>
{
    [Fact]
    public async Task GetPrimaryAddressAsync_Started_ReportsThePrimary()
    {
        var (host, port) = await fixture.GetPrimaryAddressAsync();

        host.Should().Be("127.0.0.1");
        port.Should().Be(fixture.Primary.Port);
    }

    [Fact]
    public async Task Replica_Started_ReplicatesThePrimary()
    {
        await fixture.Primary.CliAsync("SET", "t:sentinel:replicated", "yes");

        (await fixture.Replica.CliAsync("ROLE")).Should().StartWith("slave");
        await Wait.UntilAsync(
            async () => await fixture.Replica.CliAsync("GET", "t:sentinel:replicated") == "yes",
            because: "the write reaches the replica");
    }

    [Fact]
    public void SentinelUrl_Started_ListsEverySentinel()
    {
        var sentinels = string.Join(',', fixture.Sentinels.Select(s => $"127.0.0.1:{s.Port}"));

        fixture.Sentinels.Should().HaveCount(3);
        fixture.ServiceName.Should().Be("herald-primary");
        fixture.SentinelUrl.Should().Be($"redis-sentinel://{sentinels}/herald-primary");
    }
}

public sealed class SentinelFailoverTests(SentinelFixture fixture) : IClassFixture<SentinelFixture>
{
    [Fact]
    public async Task GetPrimaryAddressAsync_PrimaryKilled_ReportsThePromotedReplica()
    {
        await fixture.Primary.KillAsync();

        await Wait.UntilAsync(
            async () => (await fixture.GetPrimaryAddressAsync()).Port == fixture.Replica.Port,
            TimeSpan.FromSeconds(30),
            "the sentinels promote the replica");
        (await fixture.Replica.CliAsync("ROLE")).Should().StartWith("master");
    }
}
