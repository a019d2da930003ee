using Herald.Cli.Commands.Info;

namespace Herald.Cli.Tests;

public sealed class InfoTextTests
{
    private const string Sample = "# Server\r\nredis_version:7.2.4\r\nredis_mode:standalone\r\nuptime_in_seconds:93784\r\n\r\n"
        + "# Clients\r\nconnected_clients:3\r\nblocked_clients:1\r\n\r\n# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n"
        + "maxmemory:0\r\nmaxmemory_policy:noeviction\r\n\r\n# Stats\r\ninstantaneous_ops_per_sec:42\r\n\r\n"
        + "# Replication\r\nrole:master\r\nconnected_slaves:2\r\n\r\n# Keyspace\r\ndb0:keys=10,expires=2,avg_ttl=500\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n";

    [Fact]
    public void Parse_InfoReply_GroupsFieldsByLowerCaseSection()
    {
        var sections = InfoText.Parse(Sample);

        sections.Keys.Should().Equal("server", "clients", "memory", "stats", "replication", "keyspace");
        sections["server"]["redis_version"].Should().Be("7.2.4");
        sections["keyspace"]["db3"].Should().Be("keys=1,expires=0,avg_ttl=0");
    }

    [Fact]
    public void Build_InfoReply_PicksTheMainFigures()
    {
        var summary = InfoSummaryBuilder.Build(InfoText.Parse(Sample));

        summary.Version.Should().Be("7.2.4");
        summary.UptimeSeconds.Should().Be(93784);
        summary.ConnectedClients.Should().Be(3);
        summary.BlockedClients.Should().Be(1);
        summary.UsedMemoryBytes.Should().Be(1048576);
        summary.OpsPerSecond.Should().Be(42);
        summary.Role.Should().Be("master");
        summary.ConnectedReplicas.Should().Be(2);
        summary.Keyspace.Should().Equal(new KeyspaceEntry("db0", 10, 2, 500), new KeyspaceEntry("db3", 1, 0, 0));
    }

    [Fact]
    public void Build_SingleSection_LeavesOtherFiguresNull()
    {
        var summary = InfoSummaryBuilder.Build(InfoText.Parse("# Memory\r\nused_memory:10\r\n"));

        summary.UsedMemoryBytes.Should().Be(10);
        summary.Version.Should().BeNull();
        summary.Keyspace.Should().BeEmpty();
    }
}
